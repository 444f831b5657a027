import { describe, expect, it } from 'vitest';

import { isOriginAllowed } from './origin-policy';

describe('isOriginAllowed', () => {
  it('lets clients that send no Origin through, whatever the list', () => {
    expect(isOriginAllowed(undefined, [])).toBe(true);
    expect(isOriginAllowed(undefined, ['https://app.example'])).toBe(true);
  });

  it('refuses every browser origin with the empty default, null included', () => {
    for (const origin of ['https://evil.example', 'null', '', 'http://127.0.0.1:8080']) expect(isOriginAllowed(origin, [])).toBe(false);
  });

  it('allows exactly the listed origins', () => {
    const allowed = ['https://app.example'];
    expect(isOriginAllowed('https://app.example', allowed)).toBe(true);
    for (const origin of [
      'https://app.example.evil',
      'http://app.example',
      'https://app.example:8443',
      'https://app.example, https://evil.example',
      'null',
    ]) {
      expect(isOriginAllowed(origin, allowed)).toBe(false);
    }
  });
});
