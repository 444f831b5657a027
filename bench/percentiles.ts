// Spread of repeated runs (median, min, max), and latency percentiles from an HDR histogram
// (bench/hdr-histogram.ts), which the client fleets fill as records arrive and send as snapshots.
import { HdrHistogram, type HistogramSnapshot } from './hdr-histogram';

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly samples: number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  const mid = finite.length >> 1;
  const median = finite.length % 2 === 1 ? (finite[mid] as number) : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2;
  return { median, min: finite[0] as number, max: finite[finite.length - 1] as number, runs: finite.length };
}

/** Latency percentiles over repeated runs: each one's spread, and the samples of all runs. */
export interface LatencySpread {
  readonly p50Ms: Spread;
  readonly p99Ms: Spread;
  readonly p999Ms: Spread;
  readonly maxMs: Spread;
  readonly samples: number;
}

export function spreadLatency(runs: readonly LatencySummary[]): LatencySpread {
  return {
    p50Ms: spread(runs.map((r) => r.p50)),
    p99Ms: spread(runs.map((r) => r.p99)),
    p999Ms: spread(runs.map((r) => r.p999)),
    maxMs: spread(runs.map((r) => r.max)),
    samples: runs.reduce((a, r) => a + r.samples, 0),
  };
}

/** p50, p99, p99.9 and max of one or more fleets' latency histograms (merged). */
export function summarizeLatency(...snapshots: readonly HistogramSnapshot[]): LatencySummary {
  const [first, ...rest] = snapshots;
  const histogram = first ? HdrHistogram.fromSnapshot(first) : new HdrHistogram();
  for (const snapshot of rest) histogram.add(snapshot);
  return {
    p50: histogram.percentile(50),
    p99: histogram.percentile(99),
    p999: histogram.percentile(99.9),
    max: histogram.max,
    samples: histogram.count,
  };
}
