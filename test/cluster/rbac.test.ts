// The real RBAC authorizer decides who may read pods/log; the stand-in only serves the bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { group, user } from './src/fixtures';
import { connectToTestCluster, type ClusterTestContext } from './src/test-context';

let ctx: ClusterTestContext;
let teamA: string;
let teamB: string;

const podLog = (ns: string, pod: string): string => `/api/v1/namespaces/${ns}/pods/${pod}/log`;

beforeAll(async () => {
  ctx = await connectToTestCluster('node-rbac');
  teamA = await ctx.fixtures.namespace('team-a');
  teamB = await ctx.fixtures.namespace('team-b');
  for (const [ns, pod] of [
    [teamA, 'pod-1'],
    [teamA, 'pod-2'],
    [teamB, 'pod-1'],
  ] as const) {
    await ctx.fixtures.pod(ns, pod);
    ctx.kubelet.container(ns, pod, 'app').write(`hello from ${ns}/${pod}`);
  }
  await ctx.fixtures.grant(teamA, 'log-reader', [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }], [user('alice')]);
  await ctx.fixtures.grant(
    teamA,
    'pod-1-log-reader',
    [{ apiGroups: [''], resources: ['pods/log'], resourceNames: ['pod-1'], verbs: ['get'] }],
    [user('bob')],
  );
  // Not the built-in `view`: it is an aggregated ClusterRole, and with no controller-manager
  // running nobody aggregates rules into it, so it grants nothing here.
  await ctx.fixtures.clusterRole(`pod-log-reader-${teamB}`, [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }]);
  await ctx.fixtures.roleBinding(teamB, 'ops-read-logs', { kind: 'ClusterRole', name: `pod-log-reader-${teamB}` }, [group('ops')]);
});

afterAll(async () => {
  await ctx?.stop();
});

describe('RBAC on pods/log', () => {
  it('lets a user with a RoleBinding for get pods/log read logs in that namespace', async () => {
    const res = await ctx.as('alice').raw('GET', podLog(teamA, 'pod-1'));
    expect(res.status).toBe(200);
    expect(res.text).toBe(`hello from ${teamA}/pod-1\n`);
  });

  it('refuses another user in the same namespace with 403', async () => {
    const res = await ctx.as('dave').raw('GET', podLog(teamA, 'pod-1'));
    expect(res.status).toBe(403);
    expect(res.text).toContain('User \\"dave\\" cannot get resource \\"pods/log\\"');
  });

  it('does not extend a namespaced grant to other namespaces', async () => {
    const res = await ctx.as('alice').raw('GET', podLog(teamB, 'pod-1'));
    expect(res.status).toBe(403);
  });

  it('honours resourceNames: pod-1 allowed, pod-2 denied', async () => {
    const bob = ctx.as('bob');
    expect((await bob.raw('GET', podLog(teamA, 'pod-1'))).status).toBe(200);
    const denied = await bob.raw('GET', podLog(teamA, 'pod-2'));
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('cannot get resource \\"pods/log\\"');
  });

  it('grants through group membership from the token file (ops → ClusterRole bound in team-b)', async () => {
    const bob = await ctx.as('bob').raw('GET', podLog(teamB, 'pod-1'));
    expect(bob.status).toBe(200);
    expect(bob.text).toBe(`hello from ${teamB}/pod-1\n`);
    expect((await ctx.as('carol').raw('GET', podLog(teamB, 'pod-1'))).status).toBe(403);
  });

  it('rejects an unknown bearer token with 401', async () => {
    const res = await ctx.admin.as('not-a-token').raw('GET', podLog(teamA, 'pod-1'));
    expect(res.status).toBe(401);
  });
});
