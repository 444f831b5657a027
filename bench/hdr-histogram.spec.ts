import { describe, expect, it } from 'vitest';

import { HdrHistogram } from './hdr-histogram';

/** Nearest-rank percentile of exact samples, the reference the histogram approximates. */
function exactPercentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** A deterministic long-tailed sample set (xorshift), like latencies: mostly small, some very large. */
function longTail(count: number, seed = 7): number[] {
  let state = seed;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return Array.from({ length: count }, () => 0.05 + 1 / (next() + 1e-4) ** 1.5);
}

describe('HdrHistogram', () => {
  it('gives NaN percentiles and max when nothing was recorded', () => {
    const histogram = new HdrHistogram();
    expect(histogram.count).toBe(0);
    expect(histogram.percentile(50)).toBeNaN();
    expect(histogram.max).toBeNaN();
  });

  it('is exact for values below its linear range', () => {
    const histogram = new HdrHistogram({ significantDigits: 3, resolution: 1 });
    for (let v = 1; v <= 100; v++) histogram.record(v);
    expect(histogram.percentile(50)).toBe(50);
    expect(histogram.percentile(99)).toBe(99);
    expect(histogram.percentile(99.9)).toBe(100);
    expect(histogram.max).toBe(100);
    expect(histogram.min).toBe(1);
  });

  it.each([1, 2, 3, 4])('keeps p50, p99 and p99.9 within 10^-%i of the exact value', (digits) => {
    const values = longTail(50_000);
    const histogram = new HdrHistogram({ significantDigits: digits });
    for (const v of values) histogram.record(v);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = exactPercentile(values, p);
      const error = Math.abs(histogram.percentile(p) - exact) / exact;
      // Plus half a resolution step of rounding on the way in.
      expect(error).toBeLessThanOrEqual(10 ** -digits + 0.0005 / exact);
    }
  });

  it('reports the exact largest value as max and as percentile 100', () => {
    const histogram = new HdrHistogram();
    for (const v of [3.2, 17.25, 1234.567, 8]) histogram.record(v);
    expect(histogram.max).toBe(1234.567);
    expect(histogram.percentile(100)).toBe(1234.567);
    expect(histogram.percentile(99.9)).toBeLessThanOrEqual(1234.567);
  });

  it('handles values across many powers of two without losing counts', () => {
    const histogram = new HdrHistogram({ significantDigits: 2, resolution: 1 });
    const values = Array.from({ length: 40 }, (_, k) => 2 ** k - 1).concat(Array.from({ length: 40 }, (_, k) => 2 ** k));
    for (const v of values) histogram.record(v);
    expect(histogram.count).toBe(values.length);
    for (const p of [10, 50, 75, 99]) {
      const exact = exactPercentile(values, p);
      expect(Math.abs(histogram.percentile(p) - exact)).toBeLessThanOrEqual(Math.max(1, exact * 0.01));
    }
  });

  it('counts negative values (clock skew between processes) as zero', () => {
    const histogram = new HdrHistogram();
    histogram.record(-0.2);
    histogram.record(1);
    expect(histogram.count).toBe(2);
    expect(histogram.percentile(50)).toBe(0);
    expect(histogram.min).toBe(0);
  });

  it('gives the same answers after a snapshot crosses a process boundary as JSON', () => {
    const histogram = new HdrHistogram();
    for (const v of longTail(5_000)) histogram.record(v);
    const copy = HdrHistogram.fromSnapshot(JSON.parse(JSON.stringify(histogram.snapshot())) as ReturnType<HdrHistogram['snapshot']>);
    for (const p of [50, 99, 99.9, 100]) expect(copy.percentile(p)).toBe(histogram.percentile(p));
    expect(copy.count).toBe(histogram.count);
  });

  it('merges histograms as if every value had been recorded in one', () => {
    const values = longTail(10_000, 99);
    const whole = new HdrHistogram();
    const a = new HdrHistogram();
    const b = new HdrHistogram();
    values.forEach((v, i) => {
      whole.record(v);
      (i % 3 === 0 ? a : b).record(v);
    });
    a.add(b);
    for (const p of [50, 99, 99.9, 100]) expect(a.percentile(p)).toBe(whole.percentile(p));
    expect(a.min).toBe(whole.min);
  });

  it('refuses to merge histograms with different precision', () => {
    expect(() => new HdrHistogram({ significantDigits: 2 }).add(new HdrHistogram({ significantDigits: 3 }))).toThrow(/different/);
  });

  it('refuses settings outside its range', () => {
    expect(() => new HdrHistogram({ significantDigits: 0 })).toThrow(RangeError);
    expect(() => new HdrHistogram({ significantDigits: 6 })).toThrow(RangeError);
    expect(() => new HdrHistogram({ resolution: 0 })).toThrow(RangeError);
  });

  it('uses memory by value range, not by sample count', () => {
    const histogram = new HdrHistogram();
    for (let i = 0; i < 200_000; i++) histogram.record(5 + (i % 1000) / 100);
    expect(histogram.snapshot().buckets.length).toBeLessThanOrEqual(10_001);
    expect(histogram.count).toBe(200_000);
  });
});
