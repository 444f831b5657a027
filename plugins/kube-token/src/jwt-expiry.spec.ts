import { describe, expect, it } from 'vitest';

import { jwtExpiry } from './jwt-expiry';

const jwt = (claims: unknown): string =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.signature`;

describe('jwtExpiry', () => {
  it('reads a numeric exp claim as a Date', () => {
    expect(jwtExpiry(jwt({ exp: 1_900_000_000, sub: 'x' }))).toEqual(new Date(1_900_000_000_000));
  });

  it('gives undefined for tokens that are not JWTs or carry no usable exp', () => {
    for (const token of [
      'opaque-token',
      'a.b',
      'a.b.c.d',
      jwt({ sub: 'x' }),
      jwt({ exp: '1900000000' }),
      jwt({ exp: -1 }),
      'x.!!!.y',
      'x.bm90LWpzb24.y',
      jwt(null),
    ]) {
      expect(jwtExpiry(token), token).toBeUndefined();
    }
  });
});
