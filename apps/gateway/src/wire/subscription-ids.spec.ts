import { describe, expect, it } from 'vitest';

import { SubscriptionIds } from './subscription-ids';

describe('SubscriptionIds', () => {
  it('holds each id once, and tells which it holds', () => {
    const ids = new SubscriptionIds();
    expect(ids.has('a')).toBe(false);
    ids.add('a');
    ids.add('a');
    ids.add('b');
    ids.add('c');
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([true, true, true, false]);
    expect(ids.delete('a')).toBe(true);
    expect(ids.delete('a')).toBe(false);
    expect(ids.has('a')).toBe(false);
    expect(['b', 'c'].map((id) => ids.has(id))).toEqual([true, true]);
  });

  it('takes an id again after it was removed, whichever was removed first', () => {
    const ids = new SubscriptionIds();
    ids.add('a');
    ids.add('b');
    expect(ids.delete('b')).toBe(true);
    ids.add('b');
    expect(ids.delete('a')).toBe(true);
    ids.add('c');
    ids.add('b');
    expect(['a', 'b', 'c'].map((id) => ids.has(id))).toEqual([false, true, true]);
    expect(ids.delete('b')).toBe(true);
    expect(ids.delete('c')).toBe(true);
    expect(['a', 'b', 'c'].map((id) => ids.has(id))).toEqual([false, false, false]);
  });
});
