// kube-rbac for a node's own logs against the real apiserver: `nodes/log` (fine-grained kubelet
// authorization, GA in 1.36) or, failing that, `nodes/proxy`; resourceNames narrow it to one node.
import { kubeRbacPlugin } from '@tailgate/plugin-kube-rbac';
import { type AccessRequest, silentLogger } from '@tailgate/plugin-sdk';
import { registerForTest } from '@tailgate/plugin-sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { gatewayKube, grantGatewayIdentity } from './src/gateway-kube';

let ctx: ClusterTestContext;
let decide: (request: AccessRequest) => Promise<string>;

const node = (name: string, who: string): AccessRequest => ({
  kind: 'target',
  action: 'logs.read',
  subject: { user: who, groups: ['system:authenticated'] },
  target: { node: name },
});

beforeAll(async () => {
  ctx = await connectToTestCluster('node-logs-rbac');
  await grantGatewayIdentity(ctx);
  const id = suffix();
  const nodes = (subresource: string, resourceNames?: string[]) => [
    { apiGroups: [''], resources: [`nodes/${subresource}`], verbs: ['get'], ...(resourceNames && { resourceNames }) },
  ];
  await ctx.fixtures.clusterRole(`tg-node-log-${id}`, nodes('log'));
  await ctx.fixtures.clusterRoleBinding(`tg-node-log-${id}`, `tg-node-log-${id}`, [user('alice')]);
  await ctx.fixtures.clusterRole(`tg-node-proxy-${id}`, nodes('proxy'));
  await ctx.fixtures.clusterRoleBinding(`tg-node-proxy-${id}`, `tg-node-proxy-${id}`, [user('bob')]);
  await ctx.fixtures.clusterRole(`tg-node-one-${id}`, nodes('log', ['node-a']));
  await ctx.fixtures.clusterRoleBinding(`tg-node-one-${id}`, `tg-node-one-${id}`, [user('carol')]);
  const { api } = await gatewayKube(ctx);
  const { authorizers } = await registerForTest(kubeRbacPlugin, {}, { 'core.kube': api });
  decide = async (request) =>
    (await authorizers[0]!.authorize(request, { signal: new AbortController().signal, logger: silentLogger })).result;
});

afterAll(async () => {
  await ctx?.stop();
});

describe('kube-rbac: node logs', () => {
  it.each([
    ['nodes/log on every node', 'alice', 'node-a', 'allow'],
    ['nodes/proxy only (the fallback)', 'bob', 'node-a', 'allow'],
    ['nodes/log on node-a only: node-a', 'carol', 'node-a', 'allow'],
    ['nodes/log on node-a only: node-b', 'carol', 'node-b', 'deny'],
    ['no grant', 'dave', 'node-a', 'deny'],
  ])('%s', async (_, who, name, expected) => {
    expect(await decide(node(name, who))).toBe(expected);
  });

  it('abstains on an all-node scope it cannot allow, so single nodes are judged one by one', async () => {
    const scope = (who: string): AccessRequest => ({
      kind: 'scope',
      action: 'logs.read',
      subject: { user: who, groups: [] },
      scope: { resource: 'nodes/log' },
    });
    expect(await decide(scope('alice'))).toBe('allow');
    expect(await decide(scope('carol'))).toBe('abstain');
  });
});
