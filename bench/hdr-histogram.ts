// A log-linear bucketed histogram in the manner of HdrHistogram (performance.md §8.1 asks for
// hdr-histogram-js, which is not a dependency): fixed memory whatever the sample count, values
// kept to `significantDigits` decimal digits of precision, and mergeable across the client-fleet
// processes through a compact snapshot. Values are non-negative numbers in any unit, recorded
// in steps of `resolution` of that unit (1 µs for latencies in milliseconds).

export interface HistogramOptions {
  /** Decimal digits of precision kept for every value, 1–5 (HdrHistogram's range). Default 3: ≤ 0.1% error. */
  readonly significantDigits?: number;
  /** The smallest step told apart, in the recorded unit. Default 0.001 (1 µs when recording milliseconds). */
  readonly resolution?: number;
}

/** What crosses process boundaries: the settings, and the non-empty buckets as [index, count] pairs. */
export interface HistogramSnapshot {
  readonly significantDigits: number;
  readonly resolution: number;
  readonly buckets: readonly (readonly [number, number])[];
  readonly min: number;
  readonly max: number;
}

export class HdrHistogram {
  readonly significantDigits: number;
  readonly resolution: number;
  /** Exact counts below this many resolution steps; above it, each power of two splits into half as many buckets. */
  private readonly subBuckets: number;
  private readonly halfShift: number;
  private readonly counts: number[] = [];
  private total = 0;
  private minValue = Number.POSITIVE_INFINITY;
  private maxValue = Number.NEGATIVE_INFINITY;

  constructor(options: HistogramOptions = {}) {
    const digits = options.significantDigits ?? 3;
    const resolution = options.resolution ?? 0.001;
    if (!Number.isInteger(digits) || digits < 1 || digits > 5) throw new RangeError('significantDigits must be an integer from 1 to 5');
    if (!(resolution > 0)) throw new RangeError('resolution must be positive');
    this.significantDigits = digits;
    this.resolution = resolution;
    // A bucket of width 2^k starting at ≥ subBuckets/2 · 2^k keeps the relative error ≤ 2 / subBuckets ≤ 10^-digits.
    this.halfShift = Math.ceil(Math.log2(2 * 10 ** digits)) - 1;
    this.subBuckets = 2 ** (this.halfShift + 1);
  }

  static fromSnapshot(snapshot: HistogramSnapshot): HdrHistogram {
    const histogram = new HdrHistogram(snapshot);
    histogram.add(snapshot);
    return histogram;
  }

  get count(): number {
    return this.total;
  }

  /** Records `value` `times` times; negative values (clock skew between processes) count as 0. */
  record(value: number, times = 1): void {
    if (!Number.isFinite(value) || times <= 0) return;
    const clamped = Math.max(0, value);
    const index = this.indexOf(Math.round(clamped / this.resolution));
    while (this.counts.length <= index) this.counts.push(0);
    this.counts[index] = (this.counts[index] ?? 0) + times;
    this.total += times;
    this.minValue = Math.min(this.minValue, clamped);
    this.maxValue = Math.max(this.maxValue, clamped);
  }

  /** Adds another histogram's counts; both must have the same settings. */
  add(other: HdrHistogram | HistogramSnapshot): void {
    const snapshot = other instanceof HdrHistogram ? other.snapshot() : other;
    if (snapshot.significantDigits !== this.significantDigits || snapshot.resolution !== this.resolution) {
      throw new Error('cannot add histograms with different significant digits or resolution');
    }
    for (const [index, count] of snapshot.buckets) {
      while (this.counts.length <= index) this.counts.push(0);
      this.counts[index] = (this.counts[index] ?? 0) + count;
      this.total += count;
    }
    if (snapshot.buckets.length > 0) {
      this.minValue = Math.min(this.minValue, snapshot.min);
      this.maxValue = Math.max(this.maxValue, snapshot.max);
    }
  }

  /**
   * The value at percentile `p` (0–100) by nearest rank, as the highest value its bucket stands
   * for (never above the largest recorded value). NaN when empty.
   */
  percentile(p: number): number {
    if (this.total === 0) return Number.NaN;
    if (p >= 100) return this.maxValue;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let index = 0; index < this.counts.length; index++) {
      seen += this.counts[index] ?? 0;
      if (seen >= rank) return Math.min(this.maxValue, Math.max(this.minValue, this.highestIn(index) * this.resolution));
    }
    return this.maxValue;
  }

  get max(): number {
    return this.total === 0 ? Number.NaN : this.maxValue;
  }

  get min(): number {
    return this.total === 0 ? Number.NaN : this.minValue;
  }

  snapshot(): HistogramSnapshot {
    const buckets: [number, number][] = [];
    this.counts.forEach((count, index) => {
      if (count > 0) buckets.push([index, count]);
    });
    return { significantDigits: this.significantDigits, resolution: this.resolution, buckets, min: this.minValue, max: this.maxValue };
  }

  /** Bucket of a value in resolution steps: exact below `subBuckets`, then `subBuckets / 2` buckets per power of two. */
  private indexOf(steps: number): number {
    if (steps < this.subBuckets) return steps;
    let shift = Math.floor(Math.log2(steps)) - this.halfShift;
    // Math.log2 may round across a power of two for large values; settle on the shift that puts sub in [half, subBuckets).
    while (shift > 1 && steps < 2 ** (shift + this.halfShift)) shift--;
    while (steps >= 2 ** (shift + this.halfShift + 1)) shift++;
    const sub = Math.floor(steps / 2 ** shift);
    return this.subBuckets + (shift - 1) * (this.subBuckets / 2) + (sub - this.subBuckets / 2);
  }

  /** The largest value in resolution steps that falls into bucket `index`. */
  private highestIn(index: number): number {
    if (index < this.subBuckets) return index;
    const half = this.subBuckets / 2;
    const shift = Math.floor((index - this.subBuckets) / half) + 1;
    const sub = ((index - this.subBuckets) % half) + half;
    return (sub + 1) * 2 ** shift - 1;
  }
}
