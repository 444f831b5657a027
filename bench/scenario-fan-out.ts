// S2, one stream → N listeners with mixed permissions: the demo's four pods in two team
// namespaces, listeners cycling through alice (2 of the 4 pods by the demo policy), carol (1) and
// bob (2). Compared with B1 (room broadcast, no authorization, everyone gets everything) and
// B2 (per-record, per-listener namespace check) at the same N, in record-deliveries per second.
// The listeners are split over as many client processes as the layout gives (auto: one per 250
// listeners, up to one per core), and every case reports which process limited it.
import { DEMO_PODS } from '../apps/gateway/src/demo/demo-world';
import { startPerRecordCheck } from './baseline-per-record-check';
import { startRoomBroadcast } from './baseline-room-broadcast';
import type { ProcessLayout } from './bench-options';
import type { BenchSize } from './bench-size';
import { STREAM_DEFAULTS, startGatewayPipeline } from './gateway-under-test';
import { type CapacityResult, runInterleaved } from './interleaved-runs';
import type { BenchPod, RedisHandle } from './pipeline-under-test';

export const S2_PODS: readonly BenchPod[] = DEMO_PODS;

export async function runFanOut(
  size: BenchSize,
  redis: RedisHandle | undefined,
  layout: ProcessLayout,
  log: (line: string) => void,
): Promise<CapacityResult[]> {
  const baseline = { pods: S2_PODS, batchRecords: STREAM_DEFAULTS.maxBatchRecords, pollMs: 100 };
  const n = size.fanOutListeners;
  const lines = size.fanOutLinesPerPod;
  const tailgate = (label: string, bus: RedisHandle | undefined) => () =>
    startGatewayPipeline({ label, pods: S2_PODS, selector: {}, ...(bus && { redis: bus }), ownProcess: layout.gatewayProcess });
  return runInterleaved({
    cases: [
      { key: 'B1@N', start: () => startRoomBroadcast(baseline), listeners: n, linesPerWriter: lines },
      { key: 'B2@N', start: () => startPerRecordCheck(baseline), listeners: n, linesPerWriter: size.perRecordLinesPerPod },
      { key: 'S2', start: tailgate('S2 Tailgate, in-process bus', undefined), listeners: n, linesPerWriter: lines },
      ...(redis ? [{ key: 'S2-redis', start: tailgate('S2 Tailgate, Redis bus', redis), listeners: n, linesPerWriter: lines }] : []),
    ],
    pods: S2_PODS,
    runs: size.runs,
    timeoutMs: size.timeoutMs,
    clientProcesses: layout.clientProcesses,
    log,
  });
}
