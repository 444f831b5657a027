// S8, one slow consumer among N listeners: the other listeners' latency with and without it, in
// the same job. N − 1 listeners subscribe live to team-a as alice; lines are appended to
// checkout-api open loop at a fixed rate, each stamped with its intended write time (as in S4).
// In every run one more listener subscribes with `tail: 10000`, which brings about 10 MB of
// payments-worker history: in case `fast` it reads at full speed, in case `slow` at 10% of the
// live stream's byte rate, so its connection stays far past its cap and it is served from its
// slow lane, dropping the oldest records. Only the reading speed differs; cases alternate by run.
import type { BenchSize } from './bench-size';
import { ClientFleet } from './client-fleet';
import { linesAtRate, writeAtRate, writeFiller } from './cri-load';
import { observeGcPauses } from './gc-pauses';
import { startGatewayPipeline } from './gateway-under-test';
import { spread, type Spread, summarizeLatency } from './percentiles';
import { S1_POD } from './scenario-throughput';
import { epochMs, type ListenerSpec } from './fleet-protocol';
import type { BenchPod } from './pipeline-under-test';
import { S2_PODS } from './scenario-fan-out';

export const SLOW_CASES = ['fast', 'slow'] as const;
export type SlowCase = (typeof SLOW_CASES)[number];

/** The smallest `streams.listenerBufferBytes`, so the slow lane fills and drops within a run. */
const CAP_BYTES = 64 * 1024;
const TAIL = 10_000;
const FILLER_LINE_BYTES = 1_000;
/** Live lines of about 1 KB, so the slow lane fills within a run at a rate 1,000 listeners take without queueing. */
const LIVE_PAD = 'x'.repeat(1_000);
/** A stamped live line as a wire record is about this size. */
const WIRE_BYTES_PER_LINE = 1_200;
const SLOW_READ_SHARE = 0.1;
/** Lets the extra listener's backlog leave the gateway before the measured window opens. */
const SETTLE_MS = 1_000;

export interface SlowCaseResult {
  readonly p50Ms: Spread;
  readonly p99Ms: Spread;
  /** Records dropped for slow listeners during the run, from the gateway's counter. */
  readonly dropped: Spread;
  /** RSS of the runner process (gateway and writer) at the end of the run. */
  readonly rssMiB: Spread;
}

export interface SlowConsumerResult {
  readonly key: 'S8';
  readonly listeners: number;
  readonly ratePerSec: number;
  readonly capBytes: number;
  readonly slowReadBytesPerSec: number;
  readonly cases: Readonly<Record<SlowCase, SlowCaseResult>>;
  /**
   * The others' p99 with the slow listener ÷ with a fast one instead, per run (the two cases run
   * back to back, so they share the machine's state): median [min–max] over the runs.
   */
  readonly p99Ratio: Spread;
  /** The same for the others' p50: far less noisy on a shared machine, so the smoke gates on it. */
  readonly p50Ratio: Spread;
  readonly problems: readonly string[];
}

interface RunSample {
  readonly p50: number;
  readonly p99: number;
  readonly dropped: number;
  readonly rssMiB: number;
}

const LIVE_POD: BenchPod = S1_POD;
const HISTORY_POD = S2_PODS.find((p) => p.namespace === LIVE_POD.namespace && p.name !== LIVE_POD.name) as BenchPod;

export async function runSlowConsumer(size: BenchSize, log: (line: string) => void): Promise<SlowConsumerResult> {
  const rate = size.slowConsumerRatePerSec;
  const measured = size.slowConsumerListeners - 1;
  const slowReadBytesPerSec = Math.round(rate * WIRE_BYTES_PER_LINE * SLOW_READ_SHARE);
  const pipeline = await startGatewayPipeline({
    label: 'S8 Tailgate, in-process bus',
    pods: [LIVE_POD, HISTORY_POD],
    selector: { namespace: LIVE_POD.namespace },
    user: 'alice',
    streams: { listenerBufferBytes: CAP_BYTES },
  });
  const [live, history] = pipeline.writers;
  const main = ClientFleet.start();
  const extra = ClientFleet.start();
  const samples: Record<SlowCase, RunSample[]> = { fast: [], slow: [] };
  const problems: string[] = [];
  const metric = (name: string, label?: readonly [string, string]) => pipeline.metric?.(name, label) ?? Promise.resolve(Number.NaN);
  const open = (fleet: ClientFleet, listeners: number, spec: Partial<ListenerSpec>) =>
    fleet.open({
      url: pipeline.url,
      wire: pipeline.wire,
      namespace: pipeline.namespace,
      listeners: Array.from({ length: listeners }, (_, i) => ({ ...pipeline.listener(i), ...spec })),
      timeoutMs: 60_000,
    });

  /** One run: the extra listener joins with its backlog, the others are measured at the fixed rate, it leaves. */
  const measure = async (kind: SlowCase, run: string): Promise<RunSample> => {
    if (!live) throw new Error('no writer');
    const droppedBefore = await metric('tailgate_records_dropped_total', ['reason', 'slow_listener']);
    const subscribe = { ...pipeline.listener(0).subscribe, tail: TAIL };
    await open(extra, 1, { subscribe, ...(kind === 'slow' && { readBytesPerSec: slowReadBytesPerSec }) });
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const durationMs = size.latencyMs + size.latencyWarmupMs;
    await main.arm(linesAtRate(rate, durationMs) * measured, true, epochMs() + size.latencyWarmupMs);
    const stopGc = observeGcPauses();
    const written = await writeAtRate(live, rate, durationMs, LIVE_PAD);
    const { complete, tally } = await main.waitDone(size.timeoutMs);
    const gc = stopGc();
    const dropped = (await metric('tailgate_records_dropped_total', ['reason', 'slow_listener'])) - droppedBefore;
    const slowNow = await metric('tailgate_listeners_slow');
    await extra.closeListeners();
    const received = tally.counts.reduce((a, b) => a + b, 0);
    if (!complete) problems.push(`${kind} ${run}: the others received ${received} of ${written * measured} records`);
    if (kind === 'slow' && (slowNow !== 1 || dropped === 0)) problems.push(`slow ${run}: the slow listener never reached its slow lane`);
    const { p50, p99 } = summarizeLatency(tally.latency);
    log(
      `  S8 ${run} ${kind}: others' p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, dropped ${dropped}, GC ${gc.totalMs.toFixed(0)} ms (longest ${gc.maxMs.toFixed(1)})`,
    );
    return { p50, p99, dropped, rssMiB: process.memoryUsage().rss / 2 ** 20 };
  };

  try {
    if (!history) throw new Error('no writer');
    await writeFiller(history, TAIL, FILLER_LINE_BYTES);
    await open(main, measured, {});
    // One unmeasured pair first warms the JIT and the sockets (the smoke skips it: the runner is
    // warm by then, and its gate is a gross one); then the cases alternate which goes first.
    if (size.name === 'full') for (const kind of SLOW_CASES) await measure(kind, 'warm-up');
    for (let run = 0; run < size.slowConsumerRuns; run++) {
      for (const kind of run % 2 === 0 ? [...SLOW_CASES].reverse() : SLOW_CASES) samples[kind].push(await measure(kind, `run ${run + 1}`));
    }
  } finally {
    await extra.stop();
    await main.stop();
    await pipeline.close();
  }
  const summarize = (runs: readonly RunSample[]): SlowCaseResult => ({
    p50Ms: spread(runs.map((r) => r.p50)),
    p99Ms: spread(runs.map((r) => r.p99)),
    dropped: spread(runs.map((r) => r.dropped)),
    rssMiB: spread(runs.map((r) => r.rssMiB)),
  });
  const cases = { fast: summarize(samples.fast), slow: summarize(samples.slow) };
  const p99Ratio = spread(samples.slow.map((slow, i) => slow.p99 / (samples.fast[i]?.p99 ?? Number.NaN)));
  const p50Ratio = spread(samples.slow.map((slow, i) => slow.p50 / (samples.fast[i]?.p50 ?? Number.NaN)));
  log(
    `  S8 others' p99 with the slow listener ÷ without, per run: ${p99Ratio.median.toFixed(2)}× [${p99Ratio.min.toFixed(2)}–${p99Ratio.max.toFixed(2)}]`,
  );
  return {
    key: 'S8',
    listeners: size.slowConsumerListeners,
    ratePerSec: rate,
    capBytes: CAP_BYTES,
    slowReadBytesPerSec,
    cases,
    p99Ratio,
    p50Ratio,
    problems,
  };
}
