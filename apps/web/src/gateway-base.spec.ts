import { describe, expect, it } from 'vitest';

import { baseFromPageUrl } from './gateway-base';

describe('baseFromPageUrl', () => {
  it.each([
    ['https://portal.example/tailgate/index.html?x=1#source=s', 'https://portal.example/tailgate'],
    ['https://portal.example/tailgate/', 'https://portal.example/tailgate'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://127.0.0.1:8080/index.html', 'http://127.0.0.1:8080'],
    ['https://h.example/a/b/c/', 'https://h.example/a/b/c'],
  ])('serves %s from the gateway at %s', (page, base) => {
    expect(baseFromPageUrl(page)).toBe(base);
  });
});
