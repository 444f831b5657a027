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

  it('computes afresh for a look-up with max age 0 and stores the new value', async () => {
    let calls = 0;
    const cache = new DecisionCache<number>(60_000, 10);
    const compute = () => Promise.resolve({ value: ++calls, cacheable: true });
    expect(await cache.get('k', compute)).toBe(1);
    expect(await cache.get('k', compute, { maxAgeMs: 0 })).toBe(2);
    expect(await cache.get('k', compute)).toBe(2);
  });

  it('serves a value only to look-ups that accept its age, whatever its TTL', async () => {
    let now = 0;
    let calls = 0;
    const cache = new DecisionCache<number>(30_000, 10, () => now);
    const compute = () => Promise.resolve({ value: ++calls, cacheable: true });
    expect(await cache.get('k', compute)).toBe(1);
    now = 999;
    expect(await cache.get('k', compute, { maxAgeMs: 1_000 })).toBe(1);
    now = 1_000;
    expect(await cache.get('k', compute, { maxAgeMs: 1_000 })).toBe(2);
    // Younger again: computed at 1000.
    expect(await cache.get('k', compute, { maxAgeMs: 1_000 })).toBe(2);
    // A max age above the TTL is the TTL.
    now = 31_000;
    expect(await cache.get('k', compute, { maxAgeMs: 60_000 })).toBe(3);
  });

  it('drops the values that depend on an invalidated dependency, and only those', async () => {
    let calls = 0;
    const cache = new DecisionCache<string>(60_000, 10);
    const compute = (v: string) => () => Promise.resolve({ value: `${v}${++calls}`, cacheable: true });
    await cache.get('a', compute('a'), { dependsOn: ['ns/x', 'pod/x/p'] });
    await cache.get('b', compute('b'), { dependsOn: ['ns/y'] });
    await cache.get('c', compute('c'));
    cache.invalidate('ns/x');
    expect(await cache.get('a', compute('a'), { dependsOn: ['ns/x', 'pod/x/p'] })).toBe('a4');
    expect(await cache.get('b', compute('b'), { dependsOn: ['ns/y'] })).toBe('b2');
    expect(await cache.get('c', compute('c'))).toBe('c3');
    cache.invalidateAll();
    expect(await cache.get('b', compute('b'), { dependsOn: ['ns/y'] })).toBe('b5');
    expect(await cache.get('c', compute('c'))).toBe('c6');
  });

  it('neither joins nor stores a computation that was running when its dependency was invalidated', async () => {
    let release!: (value: { value: string; cacheable: boolean }) => void;
    const before = new Promise<{ value: string; cacheable: boolean }>((resolve) => (release = resolve));
    const cache = new DecisionCache<string>(60_000, 10);
    const stale = cache.get('k', () => before, { dependsOn: ['ns/x'] });
    cache.invalidate('ns/x');
    const fresh = cache.get('k', () => Promise.resolve({ value: 'after', cacheable: true }), { dependsOn: ['ns/x'] });
    expect(await fresh).toBe('after');
    release({ value: 'before', cacheable: true });
    expect(await stale).toBe('before');
    expect(await cache.get('k', () => Promise.resolve({ value: 'again', cacheable: true }), { dependsOn: ['ns/x'] })).toBe('after');

    const everything = new DecisionCache<string>(60_000, 10);
    let finish!: (value: { value: string; cacheable: boolean }) => void;
    const running = everything.get('k', () => new Promise((resolve) => (finish = resolve)));
    everything.invalidateAll();
    finish({ value: 'before', cacheable: true });
    await running;
    expect(everything.size).toBe(0);
  });

  it('stores nothing whose computation outlived the TTL', async () => {
    let now = 0;
    let finish!: (value: { value: string; cacheable: boolean }) => void;
    const cache = new DecisionCache<string>(1_000, 10, () => now);
    const slow = cache.get('k', () => new Promise((resolve) => (finish = resolve)));
    now = 1_000;
    finish({ value: 'late', cacheable: true });
    expect(await slow).toBe('late');
    expect(cache.size).toBe(0);
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
