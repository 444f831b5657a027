import { describe, expect, it } from 'vitest';

import { lowerBound, RowLayout } from './row-layout';

describe('RowLayout', () => {
  const heights = [20, 40, 20, 60, 20];
  const layout = new RowLayout();
  layout.build(heights.length, (i) => heights[i]!);

  it('stacks rows of different heights', () => {
    expect([0, 1, 2, 3, 4, 5].map((i) => layout.top(i))).toEqual([0, 20, 60, 80, 140, 160]);
    expect(layout.totalHeight).toBe(160);
  });

  it('finds the row under a position', () => {
    expect([0, 19, 20, 59, 60, 139, 140, 159, 500, -5].map((y) => layout.indexAt(y))).toEqual([0, 0, 1, 1, 2, 3, 4, 4, 4, 0]);
  });

  it('gives the rows in a window, with overscan, within bounds', () => {
    expect(layout.range(25, 70, 0)).toEqual([1, 3]);
    expect(layout.range(25, 70, 1)).toEqual([0, 4]);
    expect(layout.range(0, 1000, 5)).toEqual([0, 5]);
    expect(new RowLayout().range(0, 100, 2)).toEqual([0, 0]);
  });

  it('grows for 50,000 rows and rebuilds without keeping stale rows', () => {
    const big = new RowLayout();
    big.build(50_000, () => 18);
    expect(big.totalHeight).toBe(900_000);
    expect(big.indexAt(899_999)).toBe(49_999);
    big.build(2, () => 10);
    expect([big.rows, big.totalHeight]).toEqual([2, 20]);
  });
});

describe('lowerBound', () => {
  const seqs = [3, 5, 9, 12];
  it('finds a seq, or where it would be', () => {
    expect([3, 5, 12, 1, 6, 13].map((s) => lowerBound(seqs.length, (i) => seqs[i]!, s))).toEqual([0, 1, 3, 0, 2, 4]);
  });
});
