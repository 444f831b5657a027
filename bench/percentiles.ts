// Spread of repeated runs (median, min, max) and latency percentiles from raw samples. A sorted
// array is exact and cheap at our sample counts; hdr-histogram-js would bound memory for longer runs.

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

/** Nearest-rank percentile of an ascending array; `p` in 0–100. NaN for no samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  const mid = finite.length >> 1;
  const median = finite.length % 2 === 1 ? (finite[mid] as number) : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2;
  return { median, min: finite[0] as number, max: finite[finite.length - 1] as number, runs: finite.length };
}

export function summarizeLatency(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const asArray = Array.from(sorted);
  return {
    p50: percentile(asArray, 50),
    p99: percentile(asArray, 99),
    p999: percentile(asArray, 99.9),
    max: asArray.length === 0 ? Number.NaN : (asArray[asArray.length - 1] as number),
    samples: asArray.length,
  };
}
