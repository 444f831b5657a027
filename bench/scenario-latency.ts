// S4, end-to-end latency at fixed rates: one listener on Tailgate (in-process bus), lines
// appended open loop at 10/50/80% of the S1 capacity measured in this job, each stamped with its
// intended write time; latency = client receipt − that time (file append, poll, bus, emit, wire),
// recorded in an HDR histogram by the client fleet after a warm-up cut by intended write time.
import { ClientFleet } from './client-fleet';
import type { BenchSize } from './bench-size';
import { linesAtRate, writeAtRate } from './cri-load';
import { epochMs } from './fleet-protocol';
import { startGatewayPipeline } from './gateway-under-test';
import { spread, type Spread, summarizeLatency } from './percentiles';
import { S1_POD } from './scenario-throughput';

export const LOAD_FRACTIONS = [0.1, 0.5, 0.8] as const;

export interface LatencyResult {
  readonly key: string;
  readonly label: string;
  readonly loadFraction: number;
  readonly ratePerSec: number;
  readonly p50Ms: Spread;
  readonly p99Ms: Spread;
  readonly p999Ms: Spread;
  readonly maxMs: Spread;
  readonly samples: number;
  readonly problems: readonly string[];
}

export async function runLatency(
  size: BenchSize,
  capacityPerSec: number,
  variant: { key: string; label: string; nodeFile?: Readonly<Record<string, unknown>> },
  log: (line: string) => void,
): Promise<LatencyResult[]> {
  const pods = [S1_POD];
  const pipeline = await startGatewayPipeline({
    label: variant.label,
    pods,
    selector: { namespace: S1_POD.namespace, pod: S1_POD.name },
    user: 'alice',
    ...(variant.nodeFile && { nodeFile: variant.nodeFile }),
  });
  const fleet = ClientFleet.start();
  const writer = pipeline.writers[0];
  const results: LatencyResult[] = [];
  try {
    if (!writer) throw new Error('no writer');
    await fleet.open({
      url: pipeline.url,
      wire: pipeline.wire,
      namespace: pipeline.namespace,
      listeners: [pipeline.listener(0)],
      timeoutMs: 10_000,
    });
    for (const fraction of LOAD_FRACTIONS) {
      const rate = Math.max(10, Math.round(capacityPerSec * fraction));
      const runs: ReturnType<typeof summarizeLatency>[] = [];
      const problems: string[] = [];
      for (let run = 0; run < size.latencyRuns; run++) {
        const durationMs = size.latencyMs + size.latencyWarmupMs;
        await fleet.arm(linesAtRate(rate, durationMs), true, epochMs() + size.latencyWarmupMs);
        const written = await writeAtRate(writer, rate, durationMs);
        const { complete, tally } = await fleet.waitDone(size.timeoutMs);
        const received = tally.counts.reduce((a, b) => a + b, 0);
        if (!complete) problems.push(`received ${received} of ${written} lines`);
        runs.push(summarizeLatency(tally.latency));
      }
      const result: LatencyResult = {
        key: variant.key,
        label: variant.label,
        loadFraction: fraction,
        ratePerSec: rate,
        p50Ms: spread(runs.map((r) => r.p50)),
        p99Ms: spread(runs.map((r) => r.p99)),
        p999Ms: spread(runs.map((r) => r.p999)),
        maxMs: spread(runs.map((r) => r.max)),
        samples: runs.reduce((a, r) => a + r.samples, 0),
        problems,
      };
      log(
        `  ${variant.key} at ${Math.round(fraction * 100)}% (${rate}/s): p50 ${result.p50Ms.median.toFixed(1)} ms, p99 ${result.p99Ms.median.toFixed(1)} ms`,
      );
      results.push(result);
    }
  } finally {
    await fleet.stop();
    await pipeline.close();
  }
  return results;
}
