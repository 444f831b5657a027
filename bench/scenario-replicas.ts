// S10, two gateway replicas on one Redis: Tailgate in its own processes (gateway-process.ts),
// listeners split evenly across two replicas on one stream (S2's shape: the demo's four pods,
// alice, carol and bob in turn), against the same listeners on one replica, in the same job.
// The smoke size runs the replicas inside the runner instead (a forked gateway takes seconds to
// load on 2 cores): that still checks the leases and the fan-out over Redis, not the scaling.
// Each pipeline has its own Redis key prefix, so the two never share a lease or a channel.
// Measured: capacity (deliveries/s, CPU per process), then latency at a fixed rate (open loop,
// HDR histogram), and the upstreams each pipeline opened, summed over its replicas: the stream
// lease must let exactly one replica read the files for everyone.
import type { ProcessLayout } from './bench-options';
import type { BenchSize } from './bench-size';
import { createBenchFiles } from './bench-files';
import { demoIdentities } from './bench-world';
import { linesAtRate, writeAtRate } from './cri-load';
import { epochMs } from './fleet-protocol';
import { type GatewayHost, startGatewayHost } from './gateway-host';
import { listenerPlanner } from './gateway-under-test';
import { type CapacityResult, runInterleaved, type StartedCase } from './interleaved-runs';
import { type LatencySpread, spreadLatency, summarizeLatency } from './percentiles';
import type { PipelineUnderTest, RedisHandle } from './pipeline-under-test';
import { S2_PODS } from './scenario-fan-out';

export interface ReplicaLatency extends LatencySpread {
  readonly key: string;
  readonly replicas: number;
  readonly ratePerSec: number;
}

export interface ReplicasResult {
  readonly key: 'S10';
  readonly listeners: number;
  /** The replicas ran inside the runner's process (smoke), not each in its own. */
  readonly inRunner: boolean;
  readonly capacity: readonly CapacityResult[];
  readonly latency: readonly ReplicaLatency[];
  /** `tailgate_upstreams_opened_total` summed over each pipeline's replicas, by case key. */
  readonly upstreamsOpened: Readonly<Record<string, number>>;
  readonly problems: readonly string[];
}

const LIVE_POD = S2_PODS[0];

async function startReplicated(count: number, redis: RedisHandle, keyPrefix: string, inRunner: boolean): Promise<PipelineUnderTest> {
  const files = createBenchFiles(`s10-${count}`, S2_PODS);
  const identities = demoIdentities();
  const spec = { podsRoot: files.podsRoot, pods: [], identities, redis: { url: redis.url, keyPrefix } };
  const start = (): Promise<GatewayHost> => startGatewayHost(spec, inRunner ? undefined : { nodeFlags: [] });
  const started = await Promise.allSettled(Array.from({ length: count }, start));
  const replicas = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    for (const replica of replicas) await replica.stop();
    files.remove();
    throw failed.reason;
  }
  const planner = listenerPlanner({ label: 'S10', pods: S2_PODS, selector: {} }, identities);
  const own = replicas.flatMap((r, i): [string, number][] => (r.pid === undefined ? [] : [[`gateway ${i + 1}`, r.pid]]));
  let closed = false;
  return {
    label: `S10 ${count === 1 ? 'one replica' : `${count} replicas`}, Redis bus${inRunner ? ', in the runner' : ', own processes'}`,
    url: (replicas[0] as GatewayHost).url,
    wire: 'socket.io',
    namespace: '/logs',
    writers: files.writers,
    processes: { redis: redis.pid, ...Object.fromEntries(own) },
    ...(own.length > 0 && { servers: own.map(([role]) => role) }),
    listener: (index) => ({ ...planner.listener(index), url: (replicas[index % count] as GatewayHost).url }),
    sees: planner.sees,
    async metric(name, label) {
      const values = await Promise.all(replicas.map((r) => r.metric(name, label)));
      return values.reduce((a, b) => a + b, 0);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const replica of replicas) await replica.stop();
      files.remove();
    },
  };
}

export async function runReplicas(
  size: BenchSize,
  redis: RedisHandle,
  clientProcesses: ProcessLayout['clientProcesses'],
  log: (line: string) => void,
): Promise<ReplicasResult> {
  const n = size.replicaListeners;
  const prefix = `bench-s10-${process.pid}`;
  const inRunner = !size.replicaProcesses;
  const [one, two] = await Promise.all([
    startReplicated(1, redis, `${prefix}-1:`, inRunner),
    startReplicated(2, redis, `${prefix}-2:`, inRunner),
  ]);
  const latency: ReplicaLatency[] = [];
  const upstreamsOpened: Record<string, number> = {};
  const problems: string[] = [];
  const afterRuns = async (cases: readonly StartedCase[]): Promise<void> => {
    const rate = size.replicaLatencyRatePerSec;
    const samples = new Map<string, ReturnType<typeof summarizeLatency>[]>(cases.map((c) => [c.key, []]));
    for (let run = 0; run < size.replicaLatencyRuns; run++) {
      for (const entry of run % 2 === 0 ? cases : [...cases].reverse()) {
        const writer = entry.pipeline.writers[0];
        if (!writer || !LIVE_POD) throw new Error('no writer');
        const sees = Array.from({ length: n }, (_, i) => entry.pipeline.sees(i, LIVE_POD));
        const seeing = sees.filter(Boolean).length;
        const durationMs = size.latencyMs + size.latencyWarmupMs;
        const lines = linesAtRate(rate, durationMs);
        await entry.fleet.arm(
          sees.map((s) => (s ? lines : 0)),
          true,
          epochMs() + size.latencyWarmupMs,
        );
        const written = await writeAtRate(writer, rate, durationMs);
        const { complete, tally } = await entry.fleet.waitDone(size.timeoutMs);
        if (!complete)
          problems.push(`${entry.key} latency run ${run + 1}: ${tally.counts.reduce((a, b) => a + b, 0)} of ${written * seeing}`);
        const summary = summarizeLatency(tally.latency);
        samples.get(entry.key)?.push(summary);
        log(`  ${entry.key} latency run ${run + 1} at ${rate}/s: p50 ${summary.p50.toFixed(1)} ms, p99 ${summary.p99.toFixed(1)} ms`);
      }
    }
    for (const entry of cases) {
      const runs = samples.get(entry.key) ?? [];
      latency.push({
        key: entry.key,
        replicas: entry.key === 'S10-1' ? 1 : 2,
        ratePerSec: rate,
        ...spreadLatency(runs),
      });
      const opened = (await entry.pipeline.metric?.('tailgate_upstreams_opened_total')) ?? Number.NaN;
      upstreamsOpened[entry.key] = opened;
      if (opened !== 1) problems.push(`${entry.key}: ${opened} upstreams opened over its replicas, expected exactly 1`);
    }
  };
  try {
    const capacity = await runInterleaved({
      cases: [
        { key: 'S10-1', start: () => Promise.resolve(one), listeners: n, linesPerWriter: size.fanOutLinesPerPod },
        { key: 'S10-2', start: () => Promise.resolve(two), listeners: n, linesPerWriter: size.fanOutLinesPerPod },
      ],
      pods: S2_PODS,
      runs: size.replicaRuns,
      timeoutMs: size.timeoutMs,
      clientProcesses,
      log,
      afterRuns,
    });
    log(`  S10 upstreams opened: one replica ${upstreamsOpened['S10-1']}, two replicas ${upstreamsOpened['S10-2']} (summed)`);
    return { key: 'S10', listeners: n, inRunner, capacity, latency, upstreamsOpened, problems };
  } finally {
    await one.close();
    await two.close();
  }
}
