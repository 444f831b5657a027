// The targets of issue 7 / performance.md §8.3–8.4 as same-run ratios, and the much looser CI
// gates that only catch gross regressions (run-to-run spread here is ±20–30%; never absolute times).
import type { CapacityResult } from './interleaved-runs';
import type { LatencyResult } from './scenario-latency';
import type { MemoryResult } from './scenario-memory';
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
  /** streams.maxBatchWaitMs of the gateway under test. */
  readonly batchWindowMs: number;
}

const median = (results: readonly CapacityResult[], key: string): number =>
  results.find((r) => r.key === key)?.deliveriesPerSec.median ?? Number.NaN;

const ratio = (a: number, b: number): number => a / b;
const x = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'not measured');

export function checkTargets(outcome: BenchOutcome): TargetCheck[] {
  const c = outcome.capacity;
  const checks: TargetCheck[] = [];
  const add = (id: string, target: string, value: number, pass: (v: number) => boolean, show = x): void => {
    checks.push({ id, target, measured: show(value), pass: Number.isFinite(value) && pass(value) });
  };
  if (c.some((r) => r.key === 'S1')) {
    add('S1/B1', 'S1 ≥ 1.0× B1 (in-process bus)', ratio(median(c, 'S1'), median(c, 'B1')), (v) => v >= 1);
    add('S1-redis/B1', 'S1 ≥ 1.0× B1 (Redis bus)', ratio(median(c, 'S1-redis'), median(c, 'B1')), (v) => v >= 1);
    add('S1-redis/B0', 'S1 ≥ 0.5× B0 (Redis bus, like B0)', ratio(median(c, 'S1-redis'), median(c, 'B0')), (v) => v >= 0.5);
  }
  if (c.some((r) => r.key === 'S2')) {
    const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(0)}%` : 'not measured');
    add('S2 overhead', 'S2 authorization overhead ≤ 15% vs B1@N', 1 - ratio(median(c, 'S2'), median(c, 'B1@N')), (v) => v <= 0.15, pct);
    add('S2/B2', 'S2 ≥ 10× B2@N', ratio(median(c, 'S2'), median(c, 'B2@N')), (v) => v >= 10);
    if (c.some((r) => r.key === 'S2-redis'))
      add('S2-redis/B2', 'S2 (Redis bus) ≥ 10× B2@N', ratio(median(c, 'S2-redis'), median(c, 'B2@N')), (v) => v >= 10);
  }
  const limit = outcome.batchWindowMs + 30;
  for (const l of outcome.latency.filter((r) => r.loadFraction === 0.5)) {
    add(
      `S4 ${l.key}`,
      `p99 at 50% load ≤ batch window + 30 ms (${limit} ms)`,
      l.p99Ms.median,
      (v) => v <= limit,
      (v) => `${v.toFixed(1)} ms`,
    );
  }
  if (outcome.memory) {
    const kib = (v: number): string => `${v.toFixed(1)} KiB`;
    add('S5 idle', '≤ 30 KiB RSS per idle listener', outcome.memory.idleRssKiBPerListener, (v) => v <= 30, kib);
    add('S5 active', '≤ 30 KiB RSS per active listener', outcome.memory.activeRssKiBPerListener, (v) => v <= 30, kib);
  }
  if (outcome.slowConsumer) {
    const ratio = outcome.slowConsumer.p99Ratio.median;
    add('S8', "others' p99 with a slow listener ≤ 1.1× without it (median of runs)", ratio, (v) => v <= 1.1);
  }
  return checks;
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
  if (outcome.slowConsumer) {
    const value = outcome.slowConsumer.p99Ratio.median;
    gates.push({
      id: 'S8',
      rule: "others' p99 with a slow listener < 3× without it (median of runs)",
      value,
      pass: Number.isFinite(value) && value < 3,
    });
  }
  return gates;
}
