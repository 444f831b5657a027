// kube-events against the SDK's conformance kit on the real apiserver: each fixture is a fresh
// namespace whose pod `web` gets one events.k8s.io/v1 Event per produced line, read by a source
// of its own whose every list and watch is counted, so the kit can see them all released.
import type { KubeServices, KubeTransport } from '@tailgate/kube';
import { KubeEventsConfigSchema, KubeEventsSource } from '@tailgate/plugin-kube-events';
import { describeLogSource } from '@tailgate/plugin-sdk/testing';
import { afterAll, beforeAll, expect } from 'vitest';

import { suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { gatewayKube, grantGatewayIdentity } from './src/gateway-kube';

const CONFIG = KubeEventsConfigSchema.parse({ retryDelayMs: 50, watchTimeoutSeconds: 60 });

let ctx: ClusterTestContext;
let kube: KubeServices;
/** Microseconds since the epoch of the last Event made: every Event is a microsecond after the one before. */
let clock = BigInt(Date.now()) * 1000n;

beforeAll(async () => {
  ctx = await connectToTestCluster(`tg-kec-${suffix()}`);
  await grantGatewayIdentity(ctx);
  const id = suffix();
  await ctx.fixtures.clusterRole(`tg-kec-${id}`, [{ apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['list', 'watch'] }]);
  await ctx.fixtures.clusterRoleBinding(`tg-kec-${id}`, `tg-kec-${id}`, [user('tailgate-gateway')]);
  kube = await gatewayKube(ctx);
});

afterAll(async () => {
  await ctx?.stop();
});

/** Lists answered and requests in flight through the source's transport. */
function counted(inner: Pick<KubeTransport, 'json' | 'watch'>) {
  const state = { open: 0, lists: 0 };
  const transport: Pick<KubeTransport, 'json' | 'watch'> = {
    async json(method, path, schema, body, signal) {
      state.open++;
      try {
        const answer = await inner.json(method, path, schema, body, signal);
        state.lists++;
        return answer;
      } finally {
        state.open--;
      }
    },
    async *watch(path, signal, idleMs) {
      state.open++;
      try {
        yield* inner.watch(path, signal, idleMs);
      } finally {
        state.open--;
      }
    },
  };
  return { state, transport };
}

function microTime(micros: bigint): string {
  return `${new Date(Number(micros / 1000n)).toISOString().slice(0, 19)}.${String(micros % 1_000_000n).padStart(6, '0')}Z`;
}

describeLogSource('kube-events (Events on the real apiserver)', async () => {
  const ns = await ctx.fixtures.namespace('kec');
  const { state, transport } = counted(kube.http);
  return {
    source: new KubeEventsSource(kube.api, transport, CONFIG),
    selector: { namespaces: [ns] },
    invalidSelectors: [{}, { namespaces: [ns], object: { kind: 'pod', name: 'web' } }, { namespaces: [ns], types: ['Error'] }, ns],
    // Events made before the stream's first list are in it: the backlog's, not the stream's.
    async produce(lines) {
      await expect.poll(() => state.lists, { timeout: 5_000, interval: 10 }).toBeGreaterThan(0);
      for (const note of lines) {
        clock += 1n;
        await ctx.admin.create(`/apis/events.k8s.io/v1/namespaces/${ns}/events`, {
          apiVersion: 'events.k8s.io/v1',
          kind: 'Event',
          metadata: { name: `web.${(clock * 1000n).toString(16)}` },
          eventTime: microTime(clock),
          reportingController: 'tailgate.test/conformance',
          reportingInstance: 'conformance-1',
          action: 'Testing',
          reason: 'Test',
          type: 'Normal',
          note,
          regarding: { kind: 'Pod', apiVersion: 'v1', namespace: ns, name: 'web' },
        });
      }
    },
    lineOf: (line) => `Normal Test pod/web ${line}`,
    openUpstreams: () => state.open,
  };
});
