import { describe, expect, it } from 'vitest';

import { KeyedRateLimit } from './keyed-rate-limit';

describe('KeyedRateLimit', () => {
  it('allows a burst, refuses beyond it, and allows again as tokens refill', () => {
    let now = 0;
    const limit = new KeyedRateLimit({ perMinute: 60, burst: 3 }, 100, () => now);
    expect([1, 2, 3, 4].map(() => limit.take('a').allowed)).toEqual([true, true, true, false]);
    now += 999;
    expect(limit.take('a').allowed).toBe(false);
    now += 2_000;
    expect(limit.take('a').allowed).toBe(true);
  });

  it('keeps a client that retries faster than the refill refused', () => {
    let now = 0;
    const limit = new KeyedRateLimit({ perMinute: 60, burst: 1 }, 100, () => now);
    limit.take('a');
    for (let i = 0; i < 10; i++) {
      now += 500;
      expect(limit.take('a').allowed).toBe(false);
    }
  });

  it('keeps keys apart', () => {
    const limit = new KeyedRateLimit({ perMinute: 1, burst: 1 }, 100, () => 0);
    expect(limit.take('a').allowed).toBe(true);
    expect(limit.take('a').allowed).toBe(false);
    expect(limit.take('b').allowed).toBe(true);
  });

  it('says firstRefusal once per run of refusals', () => {
    let now = 0;
    const limit = new KeyedRateLimit({ perMinute: 60, burst: 1 }, 100, () => now);
    limit.take('a');
    expect(limit.take('a')).toEqual({ allowed: false, firstRefusal: true });
    expect(limit.take('a')).toEqual({ allowed: false, firstRefusal: false });
    now += 60_000;
    expect(limit.take('a')).toEqual({ allowed: true, firstRefusal: false });
    expect(limit.take('a')).toEqual({ allowed: false, firstRefusal: true });
  });

  it('tells whether the next take would be refused without taking', () => {
    const limit = new KeyedRateLimit({ perMinute: 1, burst: 2 }, 100, () => 0);
    expect(limit.exhausted('a')).toBe(false);
    limit.take('a');
    expect(limit.exhausted('a')).toBe(false);
    expect(limit.exhausted('a')).toBe(false);
    limit.take('a');
    expect(limit.exhausted('a')).toBe(true);
  });

  it('forgets a key once its bucket is full again, and never holds more than maxKeys', () => {
    let now = 0;
    const limit = new KeyedRateLimit({ perMinute: 60, burst: 2 }, 1_000, () => now);
    for (let i = 0; i < 5_000; i++) limit.take(`address-${i}`);
    expect(limit.size).toBe(1_000);
    now += 2_000;
    limit.take('late');
    expect(limit.size).toBe(1);
    expect(limit.take('address-4999').allowed).toBe(true);
  });
});
