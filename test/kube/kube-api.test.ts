// KubeApi's self reviews (desktop mode) and its kubeconfig connection, against the real apiserver.
import { createKubeServices, type KubeApi } from '@tailgate/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { user } from '../cluster/src/fixtures';
import { connectToTestCluster, type ClusterTestContext } from '../cluster/src/test-context';
import { gatewayKube } from './src/gateway-kube';

let ctx: ClusterTestContext;
let ns: string;
let alice: KubeApi;

const podLogIn = (namespace: string, name?: string) => ({
  verb: 'get',
  group: '',
  resource: 'pods',
  subresource: 'log',
  namespace,
  ...(name === undefined ? {} : { name }),
});

beforeAll(async () => {
  ctx = await connectToTestCluster('node-kube-api');
  ns = await ctx.fixtures.namespace('kube-api');
  await ctx.fixtures.grant(
    ns,
    'pod-1-logs',
    [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'], resourceNames: ['pod-1'] }],
    [user('alice')],
  );
  alice = (await gatewayKube(ctx, { as: 'alice' })).api;
});

afterAll(async () => {
  await ctx?.stop();
});

describe('self reviews (the caller’s own identity)', () => {
  it('SelfSubjectAccessReview allows exactly what the caller’s bindings allow', async () => {
    expect(await alice.selfSubjectAccessReview(podLogIn(ns, 'pod-1'))).toEqual({
      allowed: true,
      denied: false,
      reason: expect.any(String) as unknown,
    });
    expect(await alice.selfSubjectAccessReview(podLogIn(ns, 'pod-2'))).toEqual({ allowed: false, denied: false });
  });

  it('SelfSubjectRulesReview lists the caller’s rules in a namespace', async () => {
    const rules = await alice.selfSubjectRulesReview(ns);
    expect(rules.incomplete).toBe(false);
    expect(rules.resourceRules).toContainEqual({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'], resourceNames: ['pod-1'] });
  });
});

describe('kubeconfig connection', () => {
  it('loads server, CA and credentials from a kubeconfig file through client-node', async () => {
    const { api } = await createKubeServices({
      connection: { mode: 'kubeconfig', path: ctx.cluster.kubeconfigPath },
      requestTimeoutMs: 10_000,
      podMetadata: { namespaces: [], initialSyncTimeoutMs: 10_000, watchTimeoutSeconds: 300 },
    });
    expect((await api.selfSubjectAccessReview(podLogIn(ns, 'pod-2'))).allowed, 'the kubeconfig is admin’s').toBe(true);
  });

  it('refuses at boot a kubeconfig that cannot be read, with a plugin_config code', async () => {
    const config = {
      connection: { mode: 'kubeconfig' as const, path: '/no/such/kubeconfig' },
      requestTimeoutMs: 10_000,
      podMetadata: { namespaces: [], initialSyncTimeoutMs: 10_000, watchTimeoutSeconds: 300 },
    };
    await expect(createKubeServices(config)).rejects.toMatchObject({ code: 'plugin_config' });
  });
});
