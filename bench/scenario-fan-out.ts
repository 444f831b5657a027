// S2, one stream → N listeners with mixed permissions: the demo's four pods in two team
// namespaces, listeners cycling through alice (2 of the 4 pods by the demo policy), carol (1) and
// bob (2). Compared with B1 (room broadcast, no authorization, everyone gets everything) and
// B2 (per-record, per-listener namespace check) at the same N, in record-deliveries per second.
import { DEMO_PODS } from '../apps/gateway/src/demo/demo-world';
import { startPerRecordCheck } from './baseline-per-record-check';
import { startRoomBroadcast } from './baseline-room-broadcast';
import type { BenchSize } from './bench-size';
import { STREAM_DEFAULTS, startGatewayPipeline } from './gateway-under-test';
import { type CapacityResult, runInterleaved } from './interleaved-runs';
import type { BenchPod } from './pipeline-under-test';
import type { RedisHandle } from './scenario-throughput';

export const S2_PODS: readonly BenchPod[] = DEMO_PODS;

export async function runFanOut(size: BenchSize, redis: RedisHandle | undefined, log: (line: string) => void): Promise<CapacityResult[]> {
  const baseline = { pods: S2_PODS, batchRecords: STREAM_DEFAULTS.maxBatchRecords, pollMs: 100 };
  const n = size.fanOutListeners;
  const lines = size.fanOutLinesPerPod;
  return runInterleaved(
    [
      { key: 'B1@N', start: () => startRoomBroadcast(baseline), listeners: n, linesPerWriter: lines },
      { key: 'B2@N', start: () => startPerRecordCheck(baseline), listeners: n, linesPerWriter: size.perRecordLinesPerPod },
      {
        key: 'S2',
        start: () => startGatewayPipeline({ label: 'S2 Tailgate, in-process bus', pods: S2_PODS, selector: {} }),
        listeners: n,
        linesPerWriter: lines,
      },
      ...(redis
        ? [
            {
              key: 'S2-redis',
              start: () => startGatewayPipeline({ label: 'S2 Tailgate, Redis bus', pods: S2_PODS, selector: {}, redis }),
              listeners: n,
              linesPerWriter: lines,
            },
          ]
        : []),
    ],
    S2_PODS,
    size.runs,
    size.timeoutMs,
    log,
  );
}
