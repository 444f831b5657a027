// kube-pod-logs against the conformance kit, on the real apiserver and the kubelet stand-in: each
// fixture is one pod in a fresh namespace whose container writes the lines, read by a source of
// its own whose every request is counted, at its transport and at the kubelet (the apiserver's
// proxied side), so the kit can see them all released after an abort.
import type { KubeServices } from '@tailgate/kube';
import { KubePodLogsSource } from '@tailgate/plugin-kube-pod-logs';
import { silentLogger } from '@tailgate/plugin-sdk';
import { describeLogSource } from '@tailgate/plugin-sdk/testing';
import { afterAll, beforeAll, expect } from 'vitest';

import { suffix } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { gatewayKube, grantPodLogsSource } from './src/gateway-kube';
import { POD_LOGS_TEST_CONFIG } from './src/pod-logs-test-config';
import { countingTransport, openKubeletRequests } from './src/open-upstreams';

let ctx: ClusterTestContext;
let kube: KubeServices;

beforeAll(async () => {
  ctx = await connectToTestCluster(`tg-plc-${suffix()}`);
  await grantPodLogsSource(ctx);
  kube = await gatewayKube(ctx);
});

afterAll(async () => {
  await ctx?.stop();
});

describeLogSource('kube-pod-logs (pods/log through the apiserver)', async () => {
  const ns = await ctx.fixtures.namespace('plc');
  await ctx.fixtures.pod(ns, 'web');
  const app = ctx.kubelet.container(ns, 'web', 'app');
  const counted = countingTransport(kube.http);
  const atKubelet = openKubeletRequests(ctx.kubelet, (request) => request.path.startsWith(`/containerLogs/${ns}/`));
  return {
    source: new KubePodLogsSource(counted.transport, POD_LOGS_TEST_CONFIG, silentLogger),
    selector: { namespaces: [ns], pods: ['web'] },
    invalidSelectors: [
      { namespaces: ['Not_A_Namespace'] },
      { namespaces: [ns], pods: ['web'], unknown: true },
      { namespaces: [ns], workload: { kind: 'pod', name: 'web' } },
      { namespaces: [ns], fieldSelector: 'status.hostIP=1.2.3.4' },
      { namespaces: [ns], containerKinds: [] },
      'web',
    ],
    // The stream follows a pod listed at its start from then on: lines count once its read is at the kubelet.
    async produce(lines) {
      await expect.poll(() => app.current.followers, { timeout: 5_000, interval: 10 }).toBeGreaterThan(0);
      for (const line of lines) app.write(line);
    },
    openUpstreams: () => counted.open() + atKubelet(),
  };
});
