// One capacity run (closed at the file: everything is appended up front, as fast as the disk
// takes it): deliveries per second from the first record any listener received to the last,
// per-listener counts checked against what each may see, CPU per process (with the split that
// tells which process limited the run, bottleneck.ts) and event-loop delay.
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import type { CpuSplit } from './bottleneck';
import { writeCapacityLoad } from './cri-load';
import type { FleetGroup } from './fleet-group';
import type { BenchPod, PipelineUnderTest } from './pipeline-under-test';
import { startCpuMeter, startMachineMeter, startThreadMeter, type ThreadGroup } from './process-cpu';

export interface CapacitySample {
  /** Record-deliveries to listeners per second. */
  readonly deliveriesPerSec: number;
  /** Lines written per second of delivery time (deliveries ÷ listeners for an allow-all pipeline). */
  readonly linesPerSec: number;
  /** By role: runner, the pipeline's own processes, and `clients` summed over the client processes. */
  readonly cpuPercent: Readonly<Record<string, number>>;
  readonly cpu: CpuSplit;
  /**
   * Server CPU time per record delivered, in ns: what the server itself spends, whichever process
   * limited the rate (two pipelines' servers compare by it even when both runs were client-bound).
   */
  readonly serverNsPerDelivery: number;
  /**
   * The same by thread group (process-cpu.ts): the event loop (`main`), V8's helpers (`v8`: GC and
   * compiles) and the threads started later (`later`: libuv's pool), in ns.
   */
  readonly serverThreadNsPerDelivery: Readonly<Partial<Record<ThreadGroup, number>>>;
  readonly loopDelayP99Ms: number;
  /** Why the run does not count (timeout, wrong counts); undefined when it does. */
  readonly problem?: string;
}

export interface CapacityRun {
  readonly pipeline: PipelineUnderTest;
  readonly fleets: FleetGroup;
  readonly pods: readonly BenchPod[];
  readonly listeners: number;
  readonly linesPerWriter: number;
  readonly timeoutMs: number;
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
const CORES = availableParallelism();

export async function measureCapacity(run: CapacityRun): Promise<CapacitySample> {
  const { pipeline, fleets, pods, listeners } = run;
  const perWriter = Math.ceil(run.linesPerWriter / 500) * 500;
  const expected = Array.from({ length: listeners }, (_, i) => pods.filter((pod) => pipeline.sees(i, pod)).length * perWriter);
  const expectTotal = expected.reduce((a, b) => a + b, 0);
  await fleets.arm(expected);
  const clientRoles = Object.fromEntries(fleets.pids.map((pid, f) => [`client ${f + 1}`, pid]));
  const meter = startCpuMeter({ runner: process.pid, ...pipeline.processes, ...clientRoles });
  const machine = startMachineMeter();
  const serverRole = pipeline.servers?.[0];
  const threads = startThreadMeter(serverRole === undefined ? process.pid : (pipeline.processes[serverRole] ?? process.pid));
  loopDelay.reset();
  loopDelay.enable();
  const started = Date.now();
  await writeCapacityLoad(pipeline.writers, perWriter);
  const { complete, tally } = await fleets.waitDone(run.timeoutMs);
  const wallMs = Date.now() - started;
  const measured = meter.stop(wallMs);
  const machinePercent = machine.stop(wallMs);
  const threadSeconds = threads.stop();
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
  const serverThreadNsPerDelivery = Object.fromEntries(
    Object.entries(threadSeconds).map(([name, seconds]) => [name, total > 0 ? Math.round((seconds * 1e9) / total) : Number.NaN]),
  );
  // Not in the results table (its columns are shared); printed per run for the table in performance.md.
  if (process.env.TAILGATE_BENCH_THREADS === '1') {
    process.stderr.write(`  ${pipeline.label}: server CPU by thread, ns/delivery ${JSON.stringify(serverThreadNsPerDelivery)}\n`);
  }
  const { cpuPercent, cpu } = splitCpu(measured, machinePercent, Object.keys(clientRoles), pipeline.servers ?? ['runner']);
  return {
    deliveriesPerSec,
    linesPerSec: deliveriesPerSec / perListener,
    cpuPercent,
    cpu,
    serverNsPerDelivery: total > 0 ? ((cpu.server / 100) * wallMs * 1e6) / total : Number.NaN,
    serverThreadNsPerDelivery,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    ...(problem && { problem }),
  };
}

/** Folds the client processes into one `clients` role, and sums up server, clients and all. */
function splitCpu(
  measured: Readonly<Record<string, number>>,
  machine: number,
  clientRoles: readonly string[],
  serverRoles: readonly string[],
): { cpuPercent: Record<string, number>; cpu: CpuSplit } {
  const of = (role: string): number => measured[role] ?? Number.NaN;
  const clients = clientRoles.map(of);
  const cpuPercent: Record<string, number> = {};
  for (const [role, pct] of Object.entries(measured)) if (!clientRoles.includes(role)) cpuPercent[role] = pct;
  cpuPercent.clients = clients.reduce((a, b) => a + b, 0);
  return {
    cpuPercent,
    cpu: {
      server: Math.max(...serverRoles.map(of)),
      clients: cpuPercent.clients,
      busiestClient: Math.max(...clients),
      clientProcesses: clientRoles.length,
      total: Object.values(measured).reduce((a, b) => a + b, 0),
      machine,
      cores: CORES,
    },
  };
}
