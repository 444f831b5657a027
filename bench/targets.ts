// The targets of issue 7 / performance.md §8.3–8.4 as same-run ratios, and the much looser CI
// gates that only catch gross regressions (run-to-run spread here is ±20–30%; never absolute times).
import { describeBottleneck } from './bottleneck';
import type { CapacityResult } from './interleaved-runs';
import type { AgentResult } from './scenario-agent';
import type { LatencyResult } from './scenario-latency';
import type { MemoryResult } from './scenario-memory';
import type { ReconnectStormResult } from './scenario-reconnect-storm';
import type { ReplicasResult } from './scenario-replicas';
import type { SlowConsumerResult } from './scenario-slow-consumer';

export interface TargetCheck {
  readonly id: string;
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
}

export interface GateCheck {
  readonly id: string;
  readonly rule: string;
  readonly value: number;
  readonly pass: boolean;
}

export interface BenchOutcome {
  readonly capacity: readonly CapacityResult[];
  readonly latency: readonly LatencyResult[];
  readonly memory: MemoryResult | undefined;
  readonly slowConsumer: SlowConsumerResult | undefined;
  readonly storm: ReconnectStormResult | undefined;
  readonly replicas: ReplicasResult | undefined;
  readonly agent?: AgentResult | undefined;
  /** streams.maxBatchWaitMs of the gateway under test. */
  readonly batchWindowMs: number;
}

const median = (results: readonly CapacityResult[], key: string): number =>
  results.find((r) => r.key === key)?.deliveriesPerSec.median ?? Number.NaN;

const ratio = (a: number, b: number): number => a / b;

/**
 * Each Tailgate case's same-run framework baseline (B1 in the matching shape): the denominator of
 * its ≥ 1.0× / ≥ 0.8× / overhead target, and the "vs baseline" column of the capacity table.
 */
export const BASELINE_OF: Readonly<Record<string, string>> = {
  S1: 'B1',
  'S1-redis': 'B1-redis',
  S2: 'B1@N',
  'S2-redis': 'B1@N',
  S3: 'B1@P',
  'S3-redis': 'B1@P',
};

/** A Tailgate case's deliveries/s ÷ its baseline's (`BASELINE_OF`), NaN when either was not measured. */
export function ratioToBaseline(results: readonly CapacityResult[], key: string): number {
  const baseline = BASELINE_OF[key];
  return baseline === undefined ? Number.NaN : ratio(median(results, key), median(results, baseline));
}

/** Which process limited each case's runs, by CPU: `S2 cores (server 52%, …); B1@N …`. */
const evidence = (results: readonly CapacityResult[], keys: readonly string[]): string =>
  keys
    .flatMap((key) => {
      const r = results.find((c) => c.key === key);
      return r ? [`${key} bound by ${describeBottleneck(r.cpu)}`] : [];
    })
    .join('; ');

/** The first pipeline's upstream count that is not 1, else 1 (NaN when none was counted). */
const upstreamsOtherThanOne = (replicas: ReplicasResult): number => {
  const counts = Object.values(replicas.upstreamsOpened);
  return counts.length === 0 ? Number.NaN : (counts.find((v) => v !== 1) ?? 1);
};
/** S4's p99 bound at 50% load: batch window + 30 ms with one listener, + 60 ms with more (issue 7 says 1,000). */
export const latencyLimitMs = (batchWindowMs: number, listeners: number): number => batchWindowMs + (listeners > 1 ? 60 : 30);

const x = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'not measured');

export function checkTargets(outcome: BenchOutcome): TargetCheck[] {
  const c = outcome.capacity;
  const checks: TargetCheck[] = [];
  const add = (id: string, target: string, value: number, pass: (v: number) => boolean, show = x): void => {
    checks.push({ id, target, measured: show(value), pass: Number.isFinite(value) && pass(value) });
  };
  if (c.some((r) => r.key === 'S1')) {
    add('S1/B1', 'S1 ≥ 1.0× B1 (in-process bus)', ratioToBaseline(c, 'S1'), (v) => v >= 1);
    add('S1/B0', 'S1 ≥ 0.5× B0 (in-process bus)', ratio(median(c, 'S1'), median(c, 'B0')), (v) => v >= 0.5);
    if (c.some((r) => r.key === 'S1-redis')) {
      add('S1-redis/B1-redis', 'S1 ≥ 1.0× B1 with @socket.io/redis-adapter (Redis bus)', ratioToBaseline(c, 'S1-redis'), (v) => v >= 1);
      add('S1-redis/B0', 'S1 ≥ 0.5× B0 (Redis bus, like B0)', ratio(median(c, 'S1-redis'), median(c, 'B0')), (v) => v >= 0.5);
    }
  }
  if (c.some((r) => r.key === 'S2')) {
    const why = evidence(c, ['S2', 'B1@N']);
    const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(0)}%; ${why}` : 'not measured');
    add('S2 overhead', 'S2 authorization overhead ≤ 15% vs B1@N', 1 - ratioToBaseline(c, 'S2'), (v) => v <= 0.15, pct);
    // Whoever limits the rate, the server's own CPU per delivery shows what authorization costs it.
    const serverNs = (key: string): number => c.find((r) => r.key === key)?.serverNsPerDelivery.median ?? Number.NaN;
    add(
      'S2 server CPU',
      'S2 server CPU per delivery ≤ 1.15× B1@N (the overhead as server work)',
      ratio(serverNs('S2'), serverNs('B1@N')),
      (v) => v <= 1.15,
      (v) =>
        Number.isFinite(v) ? `${v.toFixed(2)}× (${Math.round(serverNs('S2'))} vs ${Math.round(serverNs('B1@N'))} ns)` : 'not measured',
    );
    add('S2/B2', 'S2 ≥ 10× B2@N', ratio(median(c, 'S2'), median(c, 'B2@N')), (v) => v >= 10);
    if (c.some((r) => r.key === 'S2-redis'))
      add('S2-redis/B2', 'S2 (Redis bus) ≥ 10× B2@N', ratio(median(c, 'S2-redis'), median(c, 'B2@N')), (v) => v >= 10);
  }
  if (c.some((r) => r.key === 'S3')) {
    add('S3/B1@P', 'S3 ≥ 0.8× B1 with a room per pod (reference §8.3)', ratioToBaseline(c, 'S3'), (v) => v >= 0.8);
    if (c.some((r) => r.key === 'S3-redis'))
      add('S3-redis/B1@P', 'S3 (Redis bus) ≥ 0.8× B1 with a room per pod', ratioToBaseline(c, 'S3-redis'), (v) => v >= 0.8);
  }
  for (const l of outcome.latency.filter((r) => r.loadFraction === 0.5)) {
    const limit = latencyLimitMs(outcome.batchWindowMs, l.listeners);
    const extra = limit - outcome.batchWindowMs;
    add(
      `S4 ${l.key}`,
      `p99 at 50% load, ${l.listeners === 1 ? 'one listener' : `${l.listeners} listeners`}, ≤ batch window + ${extra} ms (${limit} ms)`,
      l.p99Ms.median,
      (v) => v <= limit,
      (v) => `${v.toFixed(1)} ms`,
    );
  }
  if (outcome.memory) {
    const m = outcome.memory;
    const of = `median of ${m.processes} fresh gateway process${m.processes === 1 ? '' : 'es'}`;
    const kib = (v: number): string => `${v.toFixed(1)} KiB`;
    add('S5 idle', `≤ 30 KiB RSS per idle listener (${of})`, m.idleRssKiBPerListener.median, (v) => v <= 30, kib);
    add('S5 active', `≤ 30 KiB RSS per active listener (${of})`, m.activeRssKiBPerListener.median, (v) => v <= 30, kib);
  }
  if (outcome.storm) {
    const s = outcome.storm;
    const inMs = (v: number): string => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'not all streaming');
    add(
      'S6 time',
      `all ${s.listeners} streaming again within 5 s of a drop onto a fresh replica (slowest run)`,
      // A storm in which some listener never streamed again counts as not measured, i.e. failed.
      s.cold.streamingMs.runs === s.cold.targetReviews.runs ? s.cold.streamingMs.max : Number.NaN,
      (v) => v <= 5_000,
      inMs,
    );
    const count = (v: number): string => String(v);
    add(
      'S6 reviews',
      `target reviews per storm ≤ distinct (identity, namespace, pod) = ${s.targetTuples}`,
      Math.max(s.cold.targetReviews.max, s.warm.targetReviews.max),
      (v) => v <= s.targetTuples,
      count,
    );
    add(
      'S6 scope reviews',
      `scope reviews per storm ≤ distinct (identity, namespace) = ${s.scopeTuples}`,
      Math.max(s.cold.scopeReviews.max, s.warm.scopeReviews.max),
      (v) => v <= s.scopeTuples,
      count,
    );
  }
  if (outcome.slowConsumer) {
    const ratio = outcome.slowConsumer.p99Ratio.median;
    add('S8', "others' p99 with a slow listener ≤ 1.1× without it (median of runs)", ratio, (v) => v <= 1.1);
  }
  if (outcome.replicas) {
    if (!outcome.replicas.inRunner)
      add(
        'S10/S10-1',
        'two replicas ≥ 1.6× one replica, same listeners (reference §8.3)',
        ratio(median(c, 'S10-2'), median(c, 'S10-1')),
        (v) => v >= 1.6,
      );
    add(
      'S10 upstreams',
      'exactly one upstream per pipeline, summed over its replicas',
      upstreamsOtherThanOne(outcome.replicas),
      (v) => v === 1,
      String,
    );
  }
  if (outcome.agent) checks.push(...agentTargets(outcome.agent));
  return checks;
}

/** Issue 14 item 6: the agent's targets are absolute (MB/s, ms, MB), shown beside the same-run raw reader. */
export const AGENT_TARGETS = { mbPerSec: 80, p99OverWindowMs: 1, rssMB: 50 } as const;
/** The RSS figures proposed instead of the absolute 50 MB (not the issue's yet; see docs/performance.md, "AG memory"). */
export const AGENT_PROPOSED = { aboveBareMB: 50, quietRssMB: 72 } as const;

function agentTargets(a: AgentResult): TargetCheck[] {
  const t = a.throughput;
  const checks: TargetCheck[] = [
    {
      id: 'AG MB/s',
      target: `read + parse + publish ≥ ${AGENT_TARGETS.mbPerSec} MB/s (one container, Redis; median of runs)`,
      measured: `${t.agentMBps.median.toFixed(1)} MB/s, ${Math.round(t.agentLinesPerSec.median / 1000)}k lines/s; ${t.ratio.median.toFixed(3)}× raw read-and-split (${t.rawMBps.median.toFixed(0)} MB/s)`,
      pass: t.agentMBps.median >= AGENT_TARGETS.mbPerSec,
    },
  ];
  const limit = AGENT_TARGETS.p99OverWindowMs + a.batchWindowMs;
  for (const l of a.latency)
    checks.push({
      id: `AG p99 ${l.ratePerSec}/s`,
      target: `append-to-publish p99 ≤ 1 ms + batch window (${limit} ms) at ${l.ratePerSec} lines/s`,
      measured: `${l.p99Ms.median.toFixed(2)} ms [${l.p99Ms.min.toFixed(2)}–${l.p99Ms.max.toFixed(2)}]; raw-tail ${l.raw.p99Ms.median.toFixed(2)} ms`,
      pass: l.p99Ms.median <= limit,
    });
  const m = a.memory;
  checks.push({
    id: 'AG RSS',
    target: `agent RSS ≤ ${AGENT_TARGETS.rssMB} MB tailing ${m.containers} containers (after GC, median of ${m.processes})`,
    measured:
      `${m.tailing.rss.median.toFixed(1)} MB: anon ${m.tailing.anon.median.toFixed(1)} (young generation ${m.tailing.young.median.toFixed(1)}) + file ${m.tailing.file.median.toFixed(1)}; ` +
      `${m.aboveBare.rss.median.toFixed(1)} MB above plain Node alone (${m.bare.rss.toFixed(1)} MB, anon ${m.bare.anon.toFixed(1)})`,
    pass: m.tailing.rss.median <= AGENT_TARGETS.rssMB,
  });
  // The restatement proposed in docs/performance.md ("AG memory"), beside the issue's target until decided.
  checks.push({
    id: 'AG RSS above Node (proposed)',
    target: `agent RSS above plain Node (same flags) ≤ ${AGENT_PROPOSED.aboveBareMB} MB tailing ${m.containers} containers`,
    measured: `${m.aboveBare.rss.median.toFixed(1)} MB [${m.aboveBare.rss.min.toFixed(1)}–${m.aboveBare.rss.max.toFixed(1)}]`,
    pass: m.aboveBare.rss.median <= AGENT_PROPOSED.aboveBareMB,
  });
  if (m.quiet)
    checks.push({
      id: 'AG RSS quiet (proposed)',
      target: `agent RSS ≤ ${AGENT_PROPOSED.quietRssMB} MB following ${m.containers} containers with no lines, largest reading 30–${m.quiet.forMs / 1000} s after the last (no forced GC)`,
      measured: `${m.quiet.rss.toFixed(1)} MB (anon ${m.quiet.anon.toFixed(1)}), ${m.quiet.readings} readings`,
      pass: m.quiet.rss <= AGENT_PROPOSED.quietRssMB,
    });
  return checks;
}

/**
 * AG's smoke gates, gross breakage only: every line arrived, the agent within 1/200 of the raw
 * reader, its p50 under 100× its p99 target (a wake-up lost to the 1 s poll shows there; the p99 of
 * one 2 s run reached 237 ms on an overloaded machine), its RSS under 3× its target (Node alone
 * takes 41–44 MB).
 */
function agentGates(a: AgentResult): GateCheck[] {
  const complete = a.throughput.incompleteRuns === 0 ? 1 : 0;
  const gates: GateCheck[] = [
    { id: 'AG lines', rule: 'every appended line arrives from Redis (1 = yes)', value: complete, pass: complete === 1 },
  ];
  const ratioToRaw = a.throughput.ratio.median;
  gates.push({
    id: 'AG/raw',
    rule: 'agent MB/s ≥ 0.005× raw read-and-split',
    value: ratioToRaw,
    pass: Number.isFinite(ratioToRaw) && ratioToRaw >= 0.005,
  });
  for (const l of a.latency) {
    const value = l.p50Ms.median / (AGENT_TARGETS.p99OverWindowMs + a.batchWindowMs);
    gates.push({
      id: `AG p50 ${l.ratePerSec}/s`,
      rule: 'p50 ≤ 100× (1 ms + batch window), the p99 target',
      value,
      pass: Number.isFinite(value) && value <= 100,
    });
  }
  const rss = a.memory.tailing.rss.median / AGENT_TARGETS.rssMB;
  gates.push({
    id: 'AG RSS',
    rule: `RSS with ${a.memory.containers} containers ≤ 3× ${AGENT_TARGETS.rssMB} MB`,
    value: rss,
    pass: Number.isFinite(rss) && rss <= 3,
  });
  return gates;
}

/** CI smoke gates: only gross ratio regressions fail the job. */
export function checkGates(outcome: BenchOutcome): GateCheck[] {
  const c = outcome.capacity;
  const gates: GateCheck[] = [];
  if (c.some((r) => r.key === 'S2')) {
    const value = ratio(median(c, 'S2'), median(c, 'B2@N'));
    gates.push({ id: 'S2/B2', rule: 'S2 ≥ 3× B2@N', value, pass: Number.isFinite(value) && value >= 3 });
  }
  if (c.some((r) => r.key === 'S1')) {
    const value = ratio(median(c, 'S1'), median(c, 'B0'));
    gates.push({ id: 'S1/B0', rule: 'S1 ≥ 0.1× B0', value, pass: Number.isFinite(value) && value >= 0.1 });
  }
  if (c.some((r) => r.key === 'S3')) {
    const value = ratioToBaseline(c, 'S3');
    gates.push({ id: 'S3/B1@P', rule: 'S3 ≥ 0.1× B1 with a room per pod', value, pass: Number.isFinite(value) && value >= 0.1 });
  }
  for (const l of outcome.latency.filter((r) => r.listeners > 1)) {
    // Only gross breakage (a stalled fan-out, an unbounded queue): a smoke p99 swings several-fold
    // between identical runs here, so the bound is 10× the full-run target, as a ratio to it.
    const value = l.p99Ms.median / latencyLimitMs(outcome.batchWindowMs, l.listeners);
    gates.push({
      id: `S4 ${l.key}`,
      rule: `p99 at 50% load, ${l.listeners} listeners, ≤ 10× (batch window + 60 ms)`,
      value,
      pass: Number.isFinite(value) && value <= 10,
    });
  }
  if (outcome.storm) {
    const s = outcome.storm;
    const streaming =
      s.problems.length === 0 &&
      s.cold.streamingMs.runs === s.cold.targetReviews.runs &&
      s.warm.streamingMs.runs === s.warm.targetReviews.runs;
    gates.push({
      id: 'S6 streaming',
      rule: 'every listener streams again after each storm (1 = yes)',
      value: streaming ? 1 : 0,
      pass: streaming,
    });
    const reviews = Math.max(s.cold.targetReviews.max, s.warm.targetReviews.max) / s.targetTuples;
    gates.push({
      id: 'S6 reviews',
      rule: 'target reviews per storm ≤ 1× distinct (identity, namespace, pod)',
      value: reviews,
      pass: Number.isFinite(reviews) && reviews <= 1,
    });
  }
  if (outcome.replicas) {
    const value = ratio(median(c, 'S10-2'), median(c, 'S10-1'));
    gates.push({ id: 'S10/S10-1', rule: 'two replicas ≥ 0.3× one replica', value, pass: Number.isFinite(value) && value >= 0.3 });
    const opened = upstreamsOtherThanOne(outcome.replicas);
    gates.push({ id: 'S10 upstreams', rule: 'exactly one upstream per pipeline (the value)', value: opened, pass: opened === 1 });
  }
  if (outcome.slowConsumer) {
    // The p99 of a few hundred samples on a shared machine swings 1–8× between identical runs; the
    // p50 shows a slow listener holding the others up just as well, without the noise.
    const value = outcome.slowConsumer.p50Ratio.median;
    gates.push({
      id: 'S8',
      rule: "others' p50 with a slow listener < 3× without it (median of runs)",
      value,
      pass: Number.isFinite(value) && value < 3,
    });
  }
  if (outcome.agent) gates.push(...agentGates(outcome.agent));
  return gates;
}
