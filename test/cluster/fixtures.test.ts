// The fixtures build what controllers would have built, and the real apiserver accepts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeList, Pod } from './src/kube-types';
import { connectToTestCluster, type ClusterTestContext } from './src/test-context';

let ctx: ClusterTestContext;
let ns: string;

beforeAll(async () => {
  ctx = await connectToTestCluster('node-fixtures');
  ns = await ctx.fixtures.namespace('fixtures');
});

afterAll(async () => {
  await ctx?.stop();
});

describe('workload fixtures', () => {
  it('creates a Deployment → ReplicaSet → Running pods chain with controller ownerReferences', async () => {
    const { owner, replicaSet, pods } = await ctx.fixtures.deployment(ns, 'api', { replicas: 2, containers: ['app', 'proxy'] });
    expect(replicaSet?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'api',
      uid: owner.metadata.uid,
      controller: true,
    });
    const listed = await ctx.admin.get<KubeList<Pod>>(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent('app=api')}`);
    expect(listed.items.map((p) => p.metadata.name).sort()).toEqual(pods.map((p) => p.metadata.name).sort());
    for (const pod of listed.items) {
      expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', uid: replicaSet?.metadata.uid });
      expect(pod.status?.phase).toBe('Running');
      expect(pod.spec?.nodeName).toBe('node-fixtures');
      expect(pod.status?.containerStatuses?.map((c) => c.name)).toEqual(['app', 'proxy']);
    }
  });

  it('creates StatefulSet, DaemonSet and Job pods owned by their workload', async () => {
    const sts = await ctx.fixtures.statefulSet(ns, 'db', { replicas: 2 });
    expect(sts.pods.map((p) => p.metadata.name)).toEqual(['db-0', 'db-1']);
    const ds = await ctx.fixtures.daemonSet(ns, 'agent');
    const job = await ctx.fixtures.job(ns, 'migrate');
    for (const { owner, pods } of [sts, ds, job]) {
      for (const pod of pods) expect(pod.metadata.ownerReferences?.[0]?.uid).toBe(owner.metadata.uid);
    }
    expect(job.pods[0]?.metadata.labels?.['batch.kubernetes.io/controller-uid']).toBe(job.owner.metadata.uid);
  });

  it('reports a restart in pods/status: restartCount, the new run, and the old one as lastState', async () => {
    await ctx.fixtures.pod(ns, 'restarts');
    const app = ctx.kubelet.container(ns, 'restarts', 'app');
    const firstRun = app.current.id;
    app.restart(2);
    const status = (await ctx.fixtures.reportStatus(ns, 'restarts')).status?.containerStatuses?.[0];
    expect(status?.restartCount).toBe(1);
    expect(status?.state?.running).toBeDefined();
    expect(status?.containerID).toBe(app.current.id);
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 2, containerID: firstRun });
  });
});

describe('logging-operator CRDs', () => {
  it('serves Flow, ClusterFlow, Output and ClusterOutput in logging.banzaicloud.io/v1beta1', async () => {
    await ctx.fixtures.installLoggingOperatorCrds();
    const base = `/apis/logging.banzaicloud.io/v1beta1/namespaces/${ns}`;
    await ctx.admin.create(`${base}/outputs`, {
      apiVersion: 'logging.banzaicloud.io/v1beta1',
      kind: 'Output',
      metadata: { name: 'flow1-tailer' },
      spec: { http: { endpoint: 'http://tailgate.invalid/flow', format: { type: 'json' } } },
    });
    await ctx.admin.create(`${base}/flows`, {
      apiVersion: 'logging.banzaicloud.io/v1beta1',
      kind: 'Flow',
      metadata: { name: 'flow1' },
      spec: { match: [{ select: { labels: { app: 'api' } } }], localOutputRefs: ['flow1-tailer'] },
    });
    const flow = await ctx.admin.get<{ spec: { localOutputRefs: string[] } }>(`${base}/flows/flow1`);
    expect(flow.spec.localOutputRefs).toEqual(['flow1-tailer']);
    const clusterOutputWithoutSpec = await ctx.admin.raw('POST', `${base}/clusteroutputs`, {
      body: { apiVersion: 'logging.banzaicloud.io/v1beta1', kind: 'ClusterOutput', metadata: { name: 'broken' } },
    });
    expect(clusterOutputWithoutSpec.status).toBe(422);
    const viaAlpha = await ctx.admin.get<{ apiVersion: string }>(`/apis/logging.banzaicloud.io/v1alpha1/namespaces/${ns}/flows/flow1`);
    expect(viaAlpha.apiVersion).toBe('logging.banzaicloud.io/v1alpha1');
  });
});
