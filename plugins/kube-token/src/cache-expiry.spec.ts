import { describe, expect, it } from 'vitest';

import { cacheUntil, tokenExpiry } from './cache-expiry';

describe('cacheUntil', () => {
  const now = 1_000_000;
  it('uses the TTL when the token states no expiry', () => {
    expect(cacheUntil({ now, cacheTtlMs: 60_000 })).toBe(now + 60_000);
  });

  it('never reaches past the review expiry or the JWT exp, whichever is first', () => {
    const soon = new Date(now + 5_000);
    const later = new Date(now + 30_000);
    expect(cacheUntil({ now, cacheTtlMs: 60_000, reviewExpiry: later, jwtExpiry: soon })).toBe(now + 5_000);
    expect(cacheUntil({ now, cacheTtlMs: 60_000, reviewExpiry: soon, jwtExpiry: later })).toBe(now + 5_000);
    expect(cacheUntil({ now, cacheTtlMs: 1_000, jwtExpiry: later })).toBe(now + 1_000);
    expect(tokenExpiry({ reviewExpiry: later, jwtExpiry: soon })).toEqual(soon);
    expect(tokenExpiry({})).toBeUndefined();
  });
});
