// Where each row of the live view sits, for rendering only the rows on screen: prefix sums of row
// heights in one Float64Array, rebuilt per frame (50,000 additions is well under a millisecond and
// allocates nothing per row), and binary searches over it. Heights are measured ones where known,
// an estimate elsewhere.

export class RowLayout {
  private offsets = new Float64Array(1024);
  private count = 0;

  /** Recomputes every offset from the rows' heights. */
  build(count: number, heightAt: (index: number) => number): void {
    if (this.offsets.length < count + 1) this.offsets = new Float64Array(Math.max(count + 1, this.offsets.length * 2));
    let y = 0;
    this.offsets[0] = 0;
    for (let i = 0; i < count; i += 1) {
      y += heightAt(i);
      this.offsets[i + 1] = y;
    }
    this.count = count;
  }

  get rows(): number {
    return this.count;
  }

  get totalHeight(): number {
    return this.offsets[this.count] ?? 0;
  }

  /** Top of row `index` (the total height for `index === rows`). */
  top(index: number): number {
    return this.offsets[Math.max(0, Math.min(index, this.count))] ?? 0;
  }

  /** The row covering `y` (the last row's index below the end, 0 above the start). */
  indexAt(y: number): number {
    if (this.count === 0) return 0;
    let low = 0;
    let high = this.count - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.offsets[mid] ?? 0) <= y) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** The rows [start, end) that intersect [top, bottom], widened by `overscan` rows each side. */
  range(top: number, bottom: number, overscan: number): [number, number] {
    if (this.count === 0) return [0, 0];
    const start = Math.max(0, this.indexAt(top) - overscan);
    const end = Math.min(this.count, this.indexAt(bottom) + 1 + overscan);
    return [start, end];
  }
}

/** The index of `seq` in an ascending list read through `seqAt`, or the first index after it. */
export function lowerBound(length: number, seqAt: (index: number) => number, seq: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (seqAt(mid) < seq) low = mid + 1;
    else high = mid;
  }
  return low;
}
