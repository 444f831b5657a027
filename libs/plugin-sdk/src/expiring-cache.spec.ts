import { describe, expect, it } from 'vitest';

import { ExpiringCache } from './expiring-cache';

describe('ExpiringCache', () => {
  it('answers until each entry expires, then forgets it', () => {
    let now = 1_000;
    const cache = new ExpiringCache<string>(10, () => now);
    cache.set('a', 'A', 1_500);
    cache.set('b', 'B', 2_000);
    now = 1_499;
    expect([cache.get('a'), cache.get('b')]).toEqual(['A', 'B']);
    now = 1_500;
    expect([cache.get('a'), cache.get('b')]).toEqual([undefined, 'B']);
  });

  it('stores nothing for a time not in the future or with no room', () => {
    const cache = new ExpiringCache<string>(10, () => 1_000);
    cache.set('a', 'A', 1_000);
    expect(cache.get('a')).toBeUndefined();
    const none = new ExpiringCache<string>(0, () => 1_000);
    none.set('a', 'A', 5_000);
    expect(none.size).toBe(0);
  });

  it('evicts expired entries first, then the oldest, to stay within its bound', () => {
    let now = 0;
    const cache = new ExpiringCache<string>(2, () => now);
    cache.set('old', 'O', 100);
    cache.set('long', 'L', 10_000);
    now = 200;
    cache.set('new', 'N', 10_000);
    expect([cache.get('long'), cache.get('new'), cache.size]).toEqual(['L', 'N', 2]);
    cache.set('newest', 'X', 10_000);
    expect([cache.get('long'), cache.get('newest'), cache.size]).toEqual([undefined, 'X', 2]);
  });

  it('forgets one entry, or all of them, when told', () => {
    const cache = new ExpiringCache<string>(10, () => 0);
    cache.set('a', 'A', 100);
    cache.set('b', 'B', 100);
    cache.delete('a');
    expect([cache.get('a'), cache.get('b'), cache.size]).toEqual([undefined, 'B', 1]);
    cache.clear();
    expect([cache.get('b'), cache.size]).toEqual([undefined, 0]);
  });
});
