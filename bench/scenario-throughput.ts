// S1, one source → one listener, all records allowed: Tailgate on the in-process bus and on
// Redis, against B0 (raw chain), B1 (Socket.IO room broadcast) and B2 (per-record emits), all
// reading the same kind of CRI file, interleaved in one job.
import { DEMO_PODS } from '../apps/gateway/src/demo/demo-world';
import { startRawChain } from './baseline-raw-chain';
import { startPerRecordCheck } from './baseline-per-record-check';
import { startRoomBroadcast } from './baseline-room-broadcast';
import type { BenchSize } from './bench-size';
import { STREAM_DEFAULTS, startGatewayPipeline } from './gateway-under-test';
import { type CapacityResult, runInterleaved } from './interleaved-runs';
import type { BenchPod } from './pipeline-under-test';

/** checkout-api: alice may read it (team-a, `rbac/policy: allow`). */
export const S1_POD: BenchPod = DEMO_PODS[0] as BenchPod;

export interface RedisHandle {
  readonly url: string;
  readonly pid: number;
}

export async function runThroughput(size: BenchSize, redis: RedisHandle, log: (line: string) => void): Promise<CapacityResult[]> {
  const pods = [S1_POD];
  const baseline = { pods, batchRecords: STREAM_DEFAULTS.maxBatchRecords, pollMs: 100 };
  const selector = { namespace: S1_POD.namespace, pod: S1_POD.name };
  const lines = size.throughputLines;
  return runInterleaved(
    [
      // The baselines are several times faster: more lines keep their runs as long as Tailgate's.
      { key: 'B0', start: () => startRawChain(redis.url, redis.pid, baseline), listeners: 1, linesPerWriter: lines * 3 },
      { key: 'B1', start: () => startRoomBroadcast(baseline), listeners: 1, linesPerWriter: lines * 3 },
      { key: 'B2', start: () => startPerRecordCheck(baseline), listeners: 1, linesPerWriter: lines / 2 },
      {
        key: 'S1',
        start: () => startGatewayPipeline({ label: 'S1 Tailgate, in-process bus', pods, selector, user: 'alice' }),
        listeners: 1,
        linesPerWriter: lines,
      },
      // On the Redis bus in full runs only: the smoke gates on neither, and it keeps under a minute.
      ...(size.name === 'full'
        ? [
            {
              key: 'S1-redis',
              start: () => startGatewayPipeline({ label: 'S1 Tailgate, Redis bus', pods, selector, user: 'alice', redis }),
              listeners: 1,
              linesPerWriter: lines,
            },
          ]
        : []),
    ],
    pods,
    size.runs,
    size.timeoutMs,
    log,
  );
}
