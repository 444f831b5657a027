// One capacity run (closed at the file: everything is appended up front, as fast as the disk
// takes it): deliveries per second from the first record any listener received to the last,
// per-listener counts checked against what each may see, CPU per process and event-loop delay.
import { monitorEventLoopDelay } from 'node:perf_hooks';

import type { ClientFleet } from './client-fleet';
import { writeCapacityLoad } from './cri-load';
import type { BenchPod, PipelineUnderTest } from './pipeline-under-test';
import { startCpuMeter } from './process-cpu';

export interface CapacitySample {
  /** Record-deliveries to listeners per second. */
  readonly deliveriesPerSec: number;
  /** Lines written per second of delivery time (deliveries ÷ listeners for an allow-all pipeline). */
  readonly linesPerSec: number;
  readonly cpuPercent: Readonly<Record<string, number>>;
  readonly loopDelayP99Ms: number;
  /** Why the run does not count (timeout, wrong counts); undefined when it does. */
  readonly problem?: string;
}

export interface CapacityRun {
  readonly pipeline: PipelineUnderTest;
  readonly fleet: ClientFleet;
  readonly pods: readonly BenchPod[];
  readonly listeners: number;
  readonly linesPerWriter: number;
  readonly timeoutMs: number;
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });

export async function measureCapacity(run: CapacityRun): Promise<CapacitySample> {
  const { pipeline, fleet, pods, listeners } = run;
  const perWriter = Math.ceil(run.linesPerWriter / 500) * 500;
  const expected = Array.from({ length: listeners }, (_, i) => pods.filter((pod) => pipeline.sees(i, pod)).length * perWriter);
  const expectTotal = expected.reduce((a, b) => a + b, 0);
  await fleet.arm(expectTotal);
  const meter = startCpuMeter({ runner: process.pid, clients: fleet.pid, ...pipeline.processes });
  loopDelay.reset();
  loopDelay.enable();
  const started = Date.now();
  await writeCapacityLoad(pipeline.writers, perWriter);
  const { complete, tally } = await fleet.waitDone(run.timeoutMs);
  const cpuPercent = meter.stop(Date.now() - started);
  loopDelay.disable();
  const total = tally.counts.reduce((a, b) => a + b, 0);
  const seconds = (tally.lastAt - tally.firstAt) / 1000;
  const wrong = tally.counts.findIndex((count, i) => count !== expected[i]);
  const problem = !complete
    ? `timed out after ${run.timeoutMs} ms with ${total} of ${expectTotal} deliveries`
    : wrong >= 0
      ? `listener ${wrong} received ${tally.counts[wrong]} records, expected ${expected[wrong]}`
      : undefined;
  const deliveriesPerSec = seconds > 0 ? total / seconds : Number.NaN;
  const perListener = expectTotal / (perWriter * pods.length);
  return {
    deliveriesPerSec,
    linesPerSec: deliveriesPerSec / perListener,
    cpuPercent,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    ...(problem && { problem }),
  };
}
