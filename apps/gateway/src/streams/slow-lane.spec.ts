import { describe, expect, it } from 'vitest';

import { SlowLane } from './slow-lane';

/** A lane of named entries; `batch(name, n)` is n records of 10 bytes each. */
function lane(cap: number) {
  const l = new SlowLane<string>(cap);
  return {
    lane: l,
    batch: (name: string, records: number) => l.push(name, records * 10, records),
    event: (name: string) => l.push(name, 5, 0),
    /** Everything in order, `dropped:n` where a gap is. */
    drain(budget = Number.POSITIVE_INFINITY): string[] {
      const { entries, droppedAfter } = l.take(budget);
      const out = entries.flatMap(({ item, droppedBefore }) => (droppedBefore > 0 ? [`dropped:${droppedBefore}`, item] : [item]));
      return droppedAfter > 0 ? [...out, `dropped:${droppedAfter}`] : out;
    },
  };
}

describe('SlowLane', () => {
  it('keeps batches in order while they fit under the cap', () => {
    const l = lane(100);
    expect(l.batch('a', 3)).toBe(0);
    expect(l.batch('b', 7)).toBe(0);
    expect(l.lane.bytes).toBe(100);
    expect(l.drain()).toEqual(['a', 'b']);
    expect(l.lane.isEmpty).toBe(true);
    expect(l.lane.bytes).toBe(0);
  });

  it('drops the oldest batches past the cap and reports the gap before what follows it', () => {
    const l = lane(100);
    l.batch('a', 4);
    l.batch('b', 4);
    expect(l.batch('c', 4)).toBe(4);
    expect(l.lane.bytes).toBe(80);
    expect(l.batch('d', 5)).toBe(4);
    expect(l.lane.bytes).toBeLessThanOrEqual(100);
    expect(l.drain()).toEqual(['dropped:8', 'c', 'd']);
  });

  it('drops a batch larger than the cap itself and reports it after what came before', () => {
    const l = lane(100);
    l.batch('a', 2);
    expect(l.batch('huge', 20)).toBe(22);
    expect(l.lane.bytes).toBe(0);
    expect(l.lane.isEmpty).toBe(false);
    expect(l.drain()).toEqual(['dropped:22']);
    expect(l.lane.isEmpty).toBe(true);
  });

  it('carries a gap at the end over to the next batch queued', () => {
    const l = lane(100);
    l.batch('huge', 11);
    l.batch('next', 1);
    expect(l.drain()).toEqual(['dropped:11', 'next']);
  });

  it('never drops other entries, and keeps each gap in its place among them', () => {
    const l = lane(100);
    l.event('added');
    l.batch('a', 5);
    l.event('removed');
    expect(l.batch('b', 5)).toBe(5);
    expect(l.batch('c', 5)).toBe(5);
    expect(l.drain()).toEqual(['added', 'dropped:5', 'removed', 'dropped:5', 'c']);
  });

  it('takes as many entries as fit in the budget, and always at least one', () => {
    const l = lane(1000);
    l.batch('a', 5);
    l.batch('b', 5);
    l.batch('c', 5);
    expect(l.drain(10)).toEqual(['a']);
    expect(l.drain(100)).toEqual(['b', 'c']);
  });

  it('reports a gap after the last entry only once the lane is empty', () => {
    const l = lane(100);
    l.event('added');
    l.event('removed');
    l.batch('huge', 20);
    expect(l.drain(1)).toEqual(['added']);
    expect(l.drain(1)).toEqual(['removed', 'dropped:20']);
  });

  it('removes revoked records without reporting them as dropped, keeping earlier gaps', () => {
    const l = lane(100);
    l.batch('a', 5);
    l.batch('b', 5);
    l.batch('c', 5);
    l.lane.rewrite((item) =>
      item === 'b' ? undefined : item === 'c' ? { item: 'c-', bytes: 20, records: 2 } : { item, bytes: 50, records: 5 },
    );
    expect(l.lane.bytes).toBe(20);
    expect(l.drain()).toEqual(['dropped:5', 'c-']);
  });

  it('counts what it held and what it dropped when cleared', () => {
    const l = lane(100);
    l.batch('a', 6);
    l.batch('b', 6);
    l.event('removed');
    expect(l.lane.clear()).toEqual({ queued: 6, unreported: 6 });
    expect(l.lane.isEmpty).toBe(true);
    expect(l.lane.bytes).toBe(0);
  });
});
