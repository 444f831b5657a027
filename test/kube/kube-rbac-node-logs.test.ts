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
// Users named for this file only: the cluster is shared by every suite, and SubjectAccessReview
// needs no user to exist, so no other file's grants can leak into this matrix.
const id = suffix();
const who = (name: string) => `tg-nodes-${id}-${name}`;
let decide: (request: AccessRequest) => Promise<string>;

const node = (name: string, userName: string): AccessRequest => ({
  kind: 'target',
  action: 'logs.read',
  subject: { user: userName, groups: ['system:authenticated'] },
  target: { node: name },
});

beforeAll(async () => {
  ctx = await connectToTestCluster('node-logs-rbac');
  await grantGatewayIdentity(ctx);
  const nodes = (subresource: string, resourceNames?: string[]) => [
    { apiGroups: [''], resources: [`nodes/${subresource}`], verbs: ['get'], ...(resourceNames && { resourceNames }) },
  ];
  await ctx.fixtures.clusterRole(`tg-node-log-${id}`, nodes('log'));
  await ctx.fixtures.clusterRoleBinding(`tg-node-log-${id}`, `tg-node-log-${id}`, [user(who('alice'))]);
  await ctx.fixtures.clusterRole(`tg-node-proxy-${id}`, nodes('proxy'));
  await ctx.fixtures.clusterRoleBinding(`tg-node-proxy-${id}`, `tg-node-proxy-${id}`, [user(who('bob'))]);
  await ctx.fixtures.clusterRole(`tg-node-one-${id}`, nodes('log', ['node-a']));
  await ctx.fixtures.clusterRoleBinding(`tg-node-one-${id}`, `tg-node-one-${id}`, [user(who('carol'))]);
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
  ])('%s', async (_, name, nodeName, expected) => {
    expect(await decide(node(nodeName, who(name)))).toBe(expected);
  });

  it('abstains on an all-node scope it cannot allow, so single nodes are judged one by one', async () => {
    const scope = (name: string): AccessRequest => ({
      kind: 'scope',
      action: 'logs.read',
      subject: { user: who(name), groups: [] },
      scope: { resource: 'nodes/log' },
    });
    expect(await decide(scope('alice'))).toBe('allow');
    expect(await decide(scope('carol'))).toBe('abstain');
  });
});
