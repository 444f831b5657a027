// Runs several pipelines' capacity measurements interleaved (A, B, C, A, B, C, …) against the
// same machine state, as performance.md §8.1 asks, and sums each up as median, min and max, with
// the CPU split that tells which process limited it (bottleneck.ts).
import { availableParallelism } from 'node:os';

import { clientProcessesFor, type ProcessLayout } from './bench-options';
import { type Bottleneck, bottleneckOf, type CpuSplit, describeBottleneck } from './bottleneck';
import { FleetGroup } from './fleet-group';
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
  /** Median CPU % of one core per process role over the runs (`clients`: summed over the client processes). */
  readonly cpuPercent: Readonly<Record<string, number>>;
  /** Median of each figure of the runs' CPU splits, and what limited the runs by it. */
  readonly cpu: CpuSplit;
  readonly bottleneck: Bottleneck;
  /** Server CPU ns per record delivered (see CapacitySample). */
  readonly serverNsPerDelivery: Spread;
  readonly loopDelayP99Ms: Spread;
  readonly connectMs: number;
  readonly problems: readonly string[];
}

/** A started case, for work after the capacity runs and before the pipelines close (S10's latency runs). */
export interface StartedCase {
  readonly key: string;
  readonly pipeline: PipelineUnderTest;
  readonly fleet: FleetGroup;
}

export interface InterleavedRuns {
  readonly cases: readonly CapacityCase[];
  readonly pods: readonly BenchPod[];
  readonly runs: number;
  readonly timeoutMs: number;
  /** Client-fleet processes per case (default auto, by its listeners). */
  readonly clientProcesses?: ProcessLayout['clientProcesses'];
  readonly log: (line: string) => void;
  readonly afterRuns?: (started: readonly StartedCase[]) => Promise<void>;
}

interface Running {
  readonly item: CapacityCase;
  readonly pipeline: PipelineUnderTest;
  readonly fleet: FleetGroup;
  connectMs: number;
  readonly samples: CapacitySample[];
}

export async function runInterleaved(plan: InterleavedRuns): Promise<CapacityResult[]> {
  const { runs, log } = plan;
  const started: Running[] = [];
  try {
    for (const item of plan.cases) {
      const pipeline = await item.start();
      const processes = clientProcessesFor(plan.clientProcesses ?? 'auto', item.listeners, availableParallelism());
      const entry: Running = { item, pipeline, fleet: FleetGroup.start(processes), connectMs: 0, samples: [] };
      started.push(entry);
      const listeners = Array.from({ length: item.listeners }, (_, i) => pipeline.listener(i));
      entry.connectMs = await entry.fleet.open({
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
          fleets: entry.fleet,
          pods: plan.pods,
          listeners: entry.item.listeners,
          linesPerWriter: round < 0 ? Math.max(500, entry.item.linesPerWriter / 4) : entry.item.linesPerWriter,
          timeoutMs: plan.timeoutMs,
        });
        if (round >= 0) entry.samples.push(sample);
        log(
          `  ${round < 0 ? 'warm-up' : `run ${round + 1}/${runs}`} ${entry.item.key}: ${Math.round(sample.deliveriesPerSec)} deliveries/s, bound by ${describeBottleneck(sample.cpu)}${sample.problem ? ` (${sample.problem})` : ''}`,
        );
      }
    }
    await plan.afterRuns?.(started.map(({ item, pipeline, fleet }) => ({ key: item.key, pipeline, fleet })));
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
  const median = (pick: (cpu: CpuSplit) => number): number => spread(good.map((s) => pick(s.cpu))).median;
  const cpu: CpuSplit = {
    server: median((c) => c.server),
    clients: median((c) => c.clients),
    busiestClient: median((c) => c.busiestClient),
    clientProcesses: samples[0]?.cpu.clientProcesses ?? 0,
    total: median((c) => c.total),
    machine: median((c) => c.machine),
    cores: samples[0]?.cpu.cores ?? availableParallelism(),
  };
  return {
    key: item.key,
    label,
    listeners: item.listeners,
    deliveriesPerSec: spread(good.map((s) => s.deliveriesPerSec)),
    linesPerSec: spread(good.map((s) => s.linesPerSec)),
    cpuPercent,
    cpu,
    bottleneck: bottleneckOf(cpu),
    serverNsPerDelivery: spread(good.map((s) => s.serverNsPerDelivery)),
    loopDelayP99Ms: spread(good.map((s) => s.loopDelayP99Ms)),
    connectMs,
    problems: samples.flatMap((s) => (s.problem ? [s.problem] : [])),
  };
}
