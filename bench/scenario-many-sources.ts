// S3, many sources → many listeners: P pods (half in team-a, half in team-b), listener i follows
// pod i alone, so every listener is its own stream with its own upstream (kubectl caps this at
// 5 concurrent streams, stern at 50). team-a listeners alternate between alice and carol, team-b
// listeners are bob; half of the pods are `rbac/policy: deny` with an `rbac/<user>: allow`
// exception for their listener, so the pod-label policy decides both ways. Compared with B1 where
// each listener joins its pod's room (no authorization), in record-deliveries (= lines) per second.
import { startRoomBroadcast } from './baseline-room-broadcast';
import type { ProcessLayout } from './bench-options';
import type { BenchSize } from './bench-size';
import { STREAM_DEFAULTS, startGatewayPipeline } from './gateway-under-test';
import { type CapacityResult, runInterleaved } from './interleaved-runs';
import type { BenchPod, RedisHandle } from './pipeline-under-test';

/** Pod i and the demo user that follows it. */
export function manySources(count: number): { pods: BenchPod[]; users: string[] } {
  const pods: BenchPod[] = [];
  const users: string[] = [];
  for (let i = 0; i < count; i++) {
    const namespace = i % 2 === 0 ? 'team-a' : 'team-b';
    const user = namespace === 'team-b' ? 'bob' : i % 4 === 0 ? 'alice' : 'carol';
    const exception = i % 4 < 2;
    const labels = exception ? { 'rbac/policy': 'deny', [`rbac/${user}`]: 'allow' } : { 'rbac/policy': 'allow' };
    pods.push({ namespace, name: `source-${String(i).padStart(3, '0')}`, container: 'app', labels });
    users.push(user);
  }
  return { pods, users };
}

export async function runManySources(
  size: BenchSize,
  redis: RedisHandle | undefined,
  layout: ProcessLayout,
  log: (line: string) => void,
): Promise<CapacityResult[]> {
  const { pods, users } = manySources(size.sources);
  const baseline = { pods, batchRecords: STREAM_DEFAULTS.maxBatchRecords, pollMs: 100 };
  const lines = size.sourceLinesPerPod;
  const gateway = (label: string, bus: RedisHandle | undefined) => () =>
    startGatewayPipeline({
      label,
      pods,
      selector: {},
      ...(bus && { redis: { ...bus, keyPrefix: 'bench-s3:' } }),
      ownProcess: layout.gatewayProcess,
      plan: (index, identities) => {
        const pod = pods[index % pods.length] as BenchPod;
        const identity = identities.find((id) => id.name === users[index % pods.length]);
        if (!identity) throw new Error('no identity for an S3 listener');
        return { identity, selector: { namespace: pod.namespace, pod: pod.name } };
      },
    });
  return runInterleaved({
    cases: [
      { key: 'B1@P', start: () => startRoomBroadcast({ ...baseline, roomPerPod: true }), listeners: pods.length, linesPerWriter: lines },
      { key: 'S3', start: gateway('S3 Tailgate, in-process bus', undefined), listeners: pods.length, linesPerWriter: lines },
      ...(redis
        ? [{ key: 'S3-redis', start: gateway('S3 Tailgate, Redis bus', redis), listeners: pods.length, linesPerWriter: lines }]
        : []),
    ],
    pods,
    runs: size.sourceRuns,
    timeoutMs: size.timeoutMs,
    clientProcesses: layout.clientProcesses,
    log,
  });
}
