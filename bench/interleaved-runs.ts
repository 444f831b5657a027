// Runs several pipelines' capacity measurements interleaved (A, B, C, A, B, C, …) against the
// same machine state, as performance.md §8.1 asks, and sums each up as median, min and max.
import { ClientFleet } from './client-fleet';
import { type CapacitySample, measureCapacity } from './measure-capacity';
import { spread, type Spread } from './percentiles';
import type { BenchPod, PipelineUnderTest } from './pipeline-under-test';

export interface CapacityCase {
  readonly key: string;
  readonly start: () => Promise<PipelineUnderTest>;
  readonly listeners: number;
  readonly linesPerWriter: number;
}

export interface CapacityResult {
  readonly key: string;
  readonly label: string;
  readonly listeners: number;
  readonly deliveriesPerSec: Spread;
  readonly linesPerSec: Spread;
  /** Median CPU % of one core per process role over the runs. */
  readonly cpuPercent: Readonly<Record<string, number>>;
  readonly loopDelayP99Ms: Spread;
  readonly connectMs: number;
  readonly problems: readonly string[];
}

/** A started case, for work after the capacity runs and before the pipelines close (S10's latency runs). */
export interface StartedCase {
  readonly key: string;
  readonly pipeline: PipelineUnderTest;
  readonly fleet: ClientFleet;
}

export async function runInterleaved(
  cases: readonly CapacityCase[],
  pods: readonly BenchPod[],
  runs: number,
  timeoutMs: number,
  log: (line: string) => void,
  afterRuns?: (started: readonly StartedCase[]) => Promise<void>,
): Promise<CapacityResult[]> {
  const started: { item: CapacityCase; pipeline: PipelineUnderTest; fleet: ClientFleet; connectMs: number; samples: CapacitySample[] }[] =
    [];
  try {
    for (const item of cases) {
      const pipeline = await item.start();
      const fleet = ClientFleet.start();
      started.push({ item, pipeline, fleet, connectMs: 0, samples: [] });
      const listeners = Array.from({ length: item.listeners }, (_, i) => pipeline.listener(i));
      const entry = started[started.length - 1];
      if (entry)
        entry.connectMs = await fleet.open({
          url: pipeline.url,
          wire: pipeline.wire,
          namespace: pipeline.namespace,
          listeners,
          timeoutMs: 30_000,
        });
    }
    // One unmeasured round warms the JIT and the sockets.
    for (let round = -1; round < runs; round++) {
      const order = round % 2 === 0 ? started : [...started].reverse();
      for (const entry of order) {
        const sample = await measureCapacity({
          pipeline: entry.pipeline,
          fleet: entry.fleet,
          pods,
          listeners: entry.item.listeners,
          linesPerWriter: round < 0 ? Math.max(500, entry.item.linesPerWriter / 4) : entry.item.linesPerWriter,
          timeoutMs,
        });
        if (round >= 0) entry.samples.push(sample);
        log(
          `  ${round < 0 ? 'warm-up' : `run ${round + 1}/${runs}`} ${entry.item.key}: ${Math.round(sample.deliveriesPerSec)} deliveries/s${sample.problem ? ` (${sample.problem})` : ''}`,
        );
      }
    }
    await afterRuns?.(started.map(({ item, pipeline, fleet }) => ({ key: item.key, pipeline, fleet })));
  } finally {
    for (const entry of started) {
      await entry.fleet.stop();
      await entry.pipeline.close();
    }
  }
  return started.map(({ item, pipeline, connectMs, samples }) => summarize(item, pipeline.label, connectMs, samples));
}

function summarize(item: CapacityCase, label: string, connectMs: number, samples: readonly CapacitySample[]): CapacityResult {
  const good = samples.filter((s) => s.problem === undefined);
  const roles = new Set(samples.flatMap((s) => Object.keys(s.cpuPercent)));
  const cpuPercent = Object.fromEntries([...roles].map((role) => [role, spread(good.map((s) => s.cpuPercent[role] ?? Number.NaN)).median]));
  return {
    key: item.key,
    label,
    listeners: item.listeners,
    deliveriesPerSec: spread(good.map((s) => s.deliveriesPerSec)),
    linesPerSec: spread(good.map((s) => s.linesPerSec)),
    cpuPercent,
    loopDelayP99Ms: spread(good.map((s) => s.loopDelayP99Ms)),
    connectMs,
    problems: samples.flatMap((s) => (s.problem ? [s.problem] : [])),
  };
}
