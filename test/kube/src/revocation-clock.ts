// What revocation suites measure: when each line was written, when each listener received what,
// and latency percentiles to print. Lines carry their own names, so a received line is matched
// to its write time without trusting anything the gateway sends.
import type { WireRecord } from '@tailgate/contracts';

import type { LogClient } from '../../e2e/support/log-client';

export interface Received {
  readonly record: WireRecord;
  readonly at: number;
}

/** Every record a client receives, stamped on arrival (LogClient keeps records, not times). */
export function stampArrivals(client: LogClient): Received[] {
  const received: Received[] = [];
  client.socket.on('records', ({ batch }) => {
    const at = Date.now();
    for (const record of batch) received.push({ record, at });
  });
  return received;
}

export interface LatencyDistribution {
  readonly samples: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles, in ms. */
export function distribution(values: readonly number[]): LatencyDistribution {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  return { samples: sorted.length, p50: rank(50), p90: rank(90), p99: rank(99), max: sorted.at(-1) ?? Number.NaN };
}

export function formatDistribution(what: string, d: LatencyDistribution): string {
  return `${what}: n=${d.samples} p50=${d.p50} ms p90=${d.p90} ms p99=${d.p99} ms max=${d.max} ms`;
}
