import { describe, expect, it } from 'vitest';

import { isOriginAllowed, requestOrigin } from './origin-policy';

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

  it("allows the request's own origin without configuration, and nothing near it", () => {
    const own = 'http://127.0.0.1:8080';
    expect(isOriginAllowed(own, [], own)).toBe(true);
    for (const origin of [
      'http://127.0.0.1:8081',
      'https://127.0.0.1:8080',
      'http://localhost:8080',
      'null',
      `${own}, https://evil.example`,
    ])
      expect(isOriginAllowed(origin, [], own)).toBe(false);
  });
});

describe('requestOrigin', () => {
  it('is the Host on the connection scheme, default ports left out as browsers do', () => {
    expect(requestOrigin({ host: '127.0.0.1:8080' }, false, false)).toBe('http://127.0.0.1:8080');
    expect(requestOrigin({ host: 'Logs.Example' }, true, false)).toBe('https://logs.example');
    expect(requestOrigin({ host: 'logs.example:443' }, true, false)).toBe('https://logs.example');
    expect(requestOrigin({ host: 'logs.example:80' }, false, false)).toBe('http://logs.example');
    expect(requestOrigin({ host: '[::1]:8080' }, false, false)).toBe('http://[::1]:8080');
  });

  it('is undefined without a Host or with one no browser would send', () => {
    for (const host of [undefined, '', 'a b', 'evil.example/x', 'user@evil.example', 'evil.example:8080:1'])
      expect(requestOrigin(host === undefined ? {} : { host }, false, false)).toBeUndefined();
  });

  it('ignores the forwarded headers unless trusted', () => {
    const headers = { host: 'gateway:8080', 'x-forwarded-host': 'logs.example', 'x-forwarded-proto': 'https' };
    expect(requestOrigin(headers, false, false)).toBe('http://gateway:8080');
    expect(requestOrigin(headers, false, true)).toBe('https://logs.example');
  });

  it("takes the forwarded headers' last entries, the ones the trusted proxy set", () => {
    const headers = { host: 'gateway:8080', 'x-forwarded-host': 'evil.example, logs.example', 'x-forwarded-proto': 'http, https' };
    expect(requestOrigin(headers, false, true)).toBe('https://logs.example');
    expect(requestOrigin({ host: 'gateway:8080', 'x-forwarded-proto': 'gopher' }, false, true)).toBe('http://gateway:8080');
  });
});
