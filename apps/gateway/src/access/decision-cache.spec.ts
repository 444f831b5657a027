import { describe, expect, it } from 'vitest';

import { DecisionCache } from './decision-cache';

describe('DecisionCache', () => {
  it('reuses a value until its TTL passes, then computes again', async () => {
    let now = 0;
    let calls = 0;
    const cache = new DecisionCache<number>(1_000, 10, () => now);
    const compute = () => Promise.resolve({ value: ++calls, cacheable: true });
    expect(await cache.get('k', compute)).toBe(1);
    now = 999;
    expect(await cache.get('k', compute)).toBe(1);
    now = 1_000;
    expect(await cache.get('k', compute)).toBe(2);
  });

  it('runs one computation for concurrent look-ups of the same key', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cache = new DecisionCache<string>(1_000, 10);
    const compute = async () => {
      calls++;
      await gate;
      return { value: 'v', cacheable: true };
    };
    const all = Promise.all([cache.get('k', compute), cache.get('k', compute), cache.get('k', compute)]);
    release();
    expect(await all).toEqual(['v', 'v', 'v']);
    expect(calls).toBe(1);
  });

  it('never stores values marked not cacheable', async () => {
    let calls = 0;
    const cache = new DecisionCache<string>(60_000, 10);
    const compute = () => Promise.resolve({ value: `error ${++calls}`, cacheable: false });
    expect(await cache.get('k', compute)).toBe('error 1');
    expect(await cache.get('k', compute)).toBe('error 2');
    expect(cache.size).toBe(0);
  });

  it('computes afresh on refresh and stores the new value', async () => {
    let calls = 0;
    const cache = new DecisionCache<number>(60_000, 10);
    const compute = () => Promise.resolve({ value: ++calls, cacheable: true });
    expect(await cache.get('k', compute)).toBe(1);
    expect(await cache.get('k', compute, true)).toBe(2);
    expect(await cache.get('k', compute)).toBe(2);
  });

  it('evicts the oldest entry when full', async () => {
    const cache = new DecisionCache<string>(60_000, 2);
    let calls = 0;
    const compute = (v: string) => () => Promise.resolve({ value: `${v}${++calls}`, cacheable: true });
    await cache.get('a', compute('a'));
    await cache.get('b', compute('b'));
    await cache.get('c', compute('c'));
    expect(cache.size).toBe(2);
    expect(await cache.get('a', compute('a'))).toBe('a4');
    expect(await cache.get('c', compute('c'))).toBe('c3');
  });
});
