// The manifests in k8s/ against the real apiserver: every object is accepted as written, and the
// generated ClusterRole is enough for a gateway running the shipped configuration — a gateway
// signed in as the manifests' ServiceAccount streams pod logs to a user RBAC allows.
import { BUNDLED_PLUGINS } from '../../apps/gateway/src/bundled-plugins';
import { deploymentConfig, readManifests } from '../../apps/gateway/src/k8s/deployment-config';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { LogClient, SEES_EVERYTHING } from '../e2e/support/log-client';

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

const PLURALS: Record<string, string> = {
  Namespace: 'namespaces',
  ServiceAccount: 'serviceaccounts',
  ConfigMap: 'configmaps',
  Deployment: 'deployments',
  Service: 'services',
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
};

function collectionOf(manifest: Manifest): string {
  const plural = PLURALS[manifest.kind];
  if (plural === undefined) throw new Error(`no path known for kind ${manifest.kind}`);
  const base = manifest.apiVersion === 'v1' ? '/api/v1' : `/apis/${manifest.apiVersion}`;
  return manifest.metadata.namespace === undefined ? `${base}/${plural}` : `${base}/namespaces/${manifest.metadata.namespace}/${plural}`;
}

describe('k8s/ manifests', () => {
  let ctx: ClusterTestContext;
  let gw: RunningGateway | undefined;
  const clients: LogClient[] = [];
  const manifests = [...readManifests('tailgate.yaml'), ...readManifests('rbac.yaml')] as Manifest[];

  beforeAll(async () => {
    ctx = await connectToTestCluster(`tg-k8s-${suffix()}`);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await gw?.close();
    await ctx?.stop();
  });

  it('are accepted by the apiserver as written (schema, defaults, admission)', async () => {
    for (const manifest of manifests) {
      const created = await ctx.admin.create<Manifest>(collectionOf(manifest), manifest);
      expect(created.metadata.name).toBe(manifest.metadata.name);
    }
    expect(manifests.map((m) => m.kind).sort()).toEqual(
      ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'Namespace', 'Service', 'ServiceAccount'].sort(),
    );
  });

  it('grant the shipped configuration all it needs: its gateway streams pod logs to a user RBAC allows', async () => {
    const ns = await ctx.fixtures.namespace('tg-k8s');
    await ctx.fixtures.pod(ns, 'web');
    await ctx.fixtures.grant(ns, 'carol-reads', [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }], [user('carol')]);
    const token = await ctx.fixtures.serviceAccountToken('tailgate', 'tailgate-gateway');
    const shipped = deploymentConfig();
    gw = await startGateway({
      config: {
        ...shipped,
        server: { ...shipped.server, host: '127.0.0.1', port: 0 },
        log: { level: 'silent' },
        kube: { ...shipped.kube!, connection: { mode: 'explicit', server: ctx.cluster.server, ca: ctx.cluster.ca, token } },
      },
    });
    expect(
      BUNDLED_PLUGINS.filter((p) => Object.hasOwn(shipped.plugins, p.id))
        .map((p) => p.id)
        .sort(),
    ).toEqual(['kube-pod-logs', 'kube-rbac', 'kube-token']);
    const carol = await LogClient.connect(gw.url, { token: ctx.cluster.users.carol!.token, sees: SEES_EVERYTHING });
    clients.push(carol);
    const ack = await carol.subscribe({ source: 'kube-pod-logs.pods', selector: { namespaces: [ns] }, tail: 10 });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    await carol.waitFor(() => carol.targets.length === 1, 'the target');
    ctx.kubelet.container(ns, 'web', 'app').write('hello from a shipped gateway');
    await carol.waitFor(() => carol.lines().includes('hello from a shipped gateway'), 'the line', 10_000);
  });
});
