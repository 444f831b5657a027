// S1, one source → one listener, all records allowed: Tailgate on the in-process bus and on
// Redis, against B0 (raw chain), B1 (Socket.IO room broadcast) and B2 (per-record emits), all
// reading the same kind of CRI file, interleaved in one job. Full runs add the Redis pair:
// S1-redis against B1-redis, the same room broadcast with `@socket.io/redis-adapter` on the
// same redis-server.
import { DEMO_PODS } from '../apps/gateway/src/demo/demo-world';
import { startRawChain } from './baseline-raw-chain';
import { startPerRecordCheck } from './baseline-per-record-check';
import { startRoomBroadcast } from './baseline-room-broadcast';
import type { ProcessLayout } from './bench-options';
import type { BenchSize } from './bench-size';
import { STREAM_DEFAULTS, startGatewayPipeline } from './gateway-under-test';
import { type CapacityCase, type CapacityResult, runInterleaved } from './interleaved-runs';
import type { BenchPod, RedisHandle } from './pipeline-under-test';

/** checkout-api: alice may read it (team-a, `rbac/policy: allow`). */
export const S1_POD: BenchPod = DEMO_PODS[0] as BenchPod;

export async function runThroughput(
  size: BenchSize,
  redis: RedisHandle,
  layout: ProcessLayout,
  log: (line: string) => void,
): Promise<CapacityResult[]> {
  const pods = [S1_POD];
  const baseline = { pods, batchRecords: STREAM_DEFAULTS.maxBatchRecords, pollMs: 100 };
  const selector = { namespace: S1_POD.namespace, pod: S1_POD.name };
  const lines = size.throughputLines;
  const tailgate = (key: string, label: string, bus?: RedisHandle): CapacityCase => ({
    key,
    start: () =>
      startGatewayPipeline({ label, pods, selector, user: 'alice', ...(bus && { redis: bus }), ownProcess: layout.gatewayProcess }),
    listeners: 1,
    linesPerWriter: lines,
  });
  return runInterleaved({
    cases: [
      // The baselines are several times faster: more lines keep their runs as long as Tailgate's.
      { key: 'B0', start: () => startRawChain(redis.url, redis.pid, baseline), listeners: 1, linesPerWriter: lines * 3 },
      { key: 'B1', start: () => startRoomBroadcast(baseline), listeners: 1, linesPerWriter: lines * 3 },
      { key: 'B2', start: () => startPerRecordCheck(baseline), listeners: 1, linesPerWriter: lines / 2 },
      tailgate('S1', 'S1 Tailgate, in-process bus'),
      // The Redis pair in full runs only: the smoke gates on neither, and it keeps under a minute.
      ...(size.name === 'full'
        ? [
            { key: 'B1-redis', start: () => startRoomBroadcast({ ...baseline, redis }), listeners: 1, linesPerWriter: lines * 2 },
            tailgate('S1-redis', 'S1 Tailgate, Redis bus', redis),
          ]
        : []),
    ],
    pods,
    runs: size.runs,
    timeoutMs: size.timeoutMs,
    clientProcesses: layout.clientProcesses,
    log,
  });
}
