import { describe, expect, it } from 'vitest';

import { HeightCache } from './height-cache';

describe('HeightCache', () => {
  it('remembers heights by seq and forgets a seq whose slot a newer one took', () => {
    const cache = new HeightCache(4);
    cache.set(1, 18);
    cache.set(2, 36.5);
    expect([cache.get(1), cache.get(2), cache.get(3)]).toEqual([18, 36.5, undefined]);
    cache.set(5, 54);
    expect([cache.get(1), cache.get(5)]).toEqual([undefined, 54]);
  });

  it('forgets everything on clear', () => {
    const cache = new HeightCache(4);
    cache.set(3, 18);
    cache.clear();
    expect(cache.get(3)).toBeUndefined();
  });
});
