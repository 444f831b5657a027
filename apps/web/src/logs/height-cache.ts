// Measured row heights by seq, for the rows the store still holds: a ring as large as the store's,
// so a lookup is two array reads (a Map over 50,000 rows per frame costs milliseconds) and entries
// of discarded rows are overwritten, never pruned.

export class HeightCache {
  private readonly seqs: Float64Array;
  private readonly heights: Float32Array;

  constructor(readonly capacity: number) {
    this.seqs = new Float64Array(capacity);
    this.heights = new Float32Array(capacity);
  }

  /** The height measured for `seq`, or undefined. */
  get(seq: number): number | undefined {
    const slot = seq % this.capacity;
    return this.seqs[slot] === seq ? this.heights[slot] : undefined;
  }

  set(seq: number, height: number): void {
    const slot = seq % this.capacity;
    this.seqs[slot] = seq;
    this.heights[slot] = height;
  }

  /** Forgets every height (the width, the wrapping or the time format changed). */
  clear(): void {
    this.seqs.fill(0);
  }
}
