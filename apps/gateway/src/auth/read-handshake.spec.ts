import { describe, expect, it } from 'vitest';

import { readHandshake } from './read-handshake';

describe('readHandshake', () => {
  it('takes auth.token, else the Authorization Bearer header', () => {
    expect(readHandshake({ token: 'a' }, 'Bearer b')).toEqual({ ok: true, token: 'a' });
    expect(readHandshake({}, 'Bearer b')).toEqual({ ok: true, token: 'b' });
    expect(readHandshake({ token: '' }, 'bearer  b ')).toEqual({ ok: true, token: 'b' });
    expect(readHandshake({}, 'Basic b')).toEqual({ ok: true, token: undefined });
    expect(readHandshake({}, undefined)).toEqual({ ok: true, token: undefined });
  });

  it('accepts protocol 1 and no protocol, and ignores keys it does not know', () => {
    expect(readHandshake({ token: 'a', protocol: 1 }, undefined)).toEqual({ ok: true, token: 'a' });
    expect(readHandshake({ token: 'a', client: 'tailgate-cli' }, undefined)).toEqual({ ok: true, token: 'a' });
  });

  it.each([2, 0, '1', null, 1.5])('refuses auth.protocol %j with invalid_request, without a token in the message', (protocol) => {
    expect(readHandshake({ token: 'secret-token', protocol }, undefined)).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: 'unsupported protocol version; this server speaks 1' },
    });
  });

  it.each([
    ['a token that is not a string', { token: 42 }],
    ['a token over 16 KiB', { token: 'x'.repeat(16 * 1024 + 1) }],
    ['auth that is not an object', 'token'],
    ['auth that is an array', ['token']],
  ])('refuses %s with invalid_request', (_what, auth) => {
    expect(readHandshake(auth, 'Bearer fine')).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: 'malformed handshake auth' },
    });
  });
});
