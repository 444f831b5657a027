// S4, end-to-end latency at fixed rates: one listener on Tailgate (in-process bus), lines
// appended open loop at 10/50/80% of the S1 capacity measured in this job, each stamped with its
// intended write time; latency = client receipt − that time (file append, poll, bus, emit, wire),
// recorded in an HDR histogram by the client fleet after a warm-up cut by intended write time.
// S4@N: the same with N listeners (all alice on that pod: one permission class, every listener
// gets every line) split over two client-fleet processes, at 50% of S1's capacity in
// record-deliveries per second, i.e. 0.5 × S1 ÷ N lines/s; the fleets' histograms are merged.
import { ClientFleet } from './client-fleet';
import type { BenchSize } from './bench-size';
import { linesAtRate, writeAtRate } from './cri-load';
import { FleetGroup } from './fleet-group';
import { epochMs } from './fleet-protocol';
import { startGatewayPipeline } from './gateway-under-test';
import { type LatencySpread, spreadLatency, summarizeLatency } from './percentiles';
import type { PipelineUnderTest } from './pipeline-under-test';
import { S1_POD } from './scenario-throughput';

export const LOAD_FRACTIONS = [0.1, 0.5, 0.8] as const;

/** S4@N: the load, as a fraction of S1's deliveries/s, and the client-fleet processes the listeners are split over. */
export const FAN_OUT_LOAD = 0.5;
const FAN_OUT_FLEETS = 2;

export interface LatencyResult extends LatencySpread {
  readonly key: string;
  readonly label: string;
  /** Listeners, every one receiving every line. */
  readonly listeners: number;
  readonly loadFraction: number;
  /** Lines per second written (and received by each listener). */
  readonly ratePerSec: number;
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
      results.push(latencyResult(variant, 1, fraction, rate, runs, problems, log));
    }
  } finally {
    await fleet.stop();
    await pipeline.close();
  }
  return results;
}

/**
 * S4@N: `size.latencyListeners` listeners on one stream, split over two client fleets, lines at
 * FAN_OUT_LOAD × `capacityPerSec` (S1's deliveries/s) ÷ N per second, `size.latencyRuns` runs.
 */
export async function runLatencyFanOut(size: BenchSize, capacityPerSec: number, log: (line: string) => void): Promise<LatencyResult> {
  const n = size.latencyListeners;
  const variant = { key: 'S4@N', label: `S4 ${n} listeners, one class, ${FAN_OUT_FLEETS} client processes` };
  const rate = Math.max(1, Math.round((capacityPerSec * FAN_OUT_LOAD) / n));
  const started = Date.now();
  // The fleets load (tsx, about a second each) while the gateway starts.
  const fleets = FleetGroup.start(Math.min(FAN_OUT_FLEETS, n));
  let pipeline: PipelineUnderTest | undefined;
  try {
    const gateway = await startGatewayPipeline({
      label: variant.label,
      pods: [S1_POD],
      selector: { namespace: S1_POD.namespace, pod: S1_POD.name },
      user: 'alice',
    });
    pipeline = gateway;
    const writer = gateway.writers[0];
    if (!writer) throw new Error('no writer');
    await fleets.open({
      url: gateway.url,
      wire: gateway.wire,
      namespace: gateway.namespace,
      listeners: Array.from({ length: n }, (_, i) => gateway.listener(i)),
      timeoutMs: 60_000,
    });
    const runs: ReturnType<typeof summarizeLatency>[] = [];
    const problems: string[] = [];
    for (let run = 0; run < size.latencyRuns; run++) {
      const durationMs = size.latencyMs + size.latencyWarmupMs;
      const lines = linesAtRate(rate, durationMs);
      const from = epochMs() + size.latencyWarmupMs;
      await fleets.arm(new Array<number>(n).fill(lines), true, from);
      const written = await writeAtRate(writer, rate, durationMs);
      const { complete, tally } = await fleets.waitDone(size.timeoutMs);
      const received = tally.counts.reduce((a, b) => a + b, 0);
      if (!complete) problems.push(`run ${run + 1}: ${received} of ${written * n} deliveries`);
      runs.push(summarizeLatency(tally.latency));
    }
    const result = latencyResult(variant, n, FAN_OUT_LOAD, rate, runs, problems, log);
    log(`  ${variant.key} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } finally {
    await fleets.stop();
    await pipeline?.close();
  }
}

function latencyResult(
  variant: { key: string; label: string },
  listeners: number,
  fraction: number,
  rate: number,
  runs: readonly ReturnType<typeof summarizeLatency>[],
  problems: readonly string[],
  log: (line: string) => void,
): LatencyResult {
  const result: LatencyResult = {
    key: variant.key,
    label: variant.label,
    listeners,
    loadFraction: fraction,
    ratePerSec: rate,
    ...spreadLatency(runs),
    problems,
  };
  log(
    `  ${variant.key} (N = ${listeners}) at ${Math.round(fraction * 100)}% (${rate}/s): p50 ${result.p50Ms.median.toFixed(1)} ms, p99 ${result.p99Ms.median.toFixed(1)} ms${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`,
  );
  return result;
}
