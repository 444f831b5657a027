// The gateway against the real apiserver: kube-token sign-in, per-pod SubjectAccessReview on a
// shared stream (resourceNames honoured), reviews bounded by distinct (user, pod), and a
// RoleBinding deleted mid-stream stopping delivery to that user only.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CriLogWriter } from '@tailgate/cri-logs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningGateway } from '../../apps/gateway/src/start-gateway';
import { serviceAccount, suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { LogClient, SEES_EVERYTHING, seesPods } from '../e2e/support/log-client';
import { startClusterGateway } from './src/cluster-gateway';
import { grantGatewayIdentity } from './src/gateway-kube';

const POD_LOG = [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }];

describe('gateway on a real cluster', () => {
  let ctx: ClusterTestContext;
  let namespace: string;
  let podsRoot: string;
  let writers: Record<'one' | 'two', CriLogWriter>;
  const gateways: RunningGateway[] = [];
  const clients: LogClient[] = [];

  async function gateway(recheckIntervalMs: number, tokenCacheTtlMs = 60_000): Promise<RunningGateway> {
    const started = await startClusterGateway(ctx, {
      access: { recheckIntervalMs, decisionTtlMs: 30_000 },
      plugins: {
        'kube-token': { cacheTtlMs: tokenCacheTtlMs },
        'node-file': { root: podsRoot, pollIntervalMs: 20, scanIntervalMs: 50 },
      },
    });
    gateways.push(started);
    return started;
  }

  async function listen(gw: RunningGateway, name: string, token = ctx.cluster.users[name]?.token): Promise<LogClient> {
    const client = await LogClient.connect(gw.url, { token: token!, sees: name === 'dave' ? seesPods(['pod-one']) : SEES_EVERYTHING });
    clients.push(client);
    const ack = await client.subscribe({ source: 'node-file.pods', selector: { namespace } });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    await client.waitFor(() => client.targets.length + client.denied.length + client.hidden.length === 2, `${name}'s targets`);
    return client;
  }

  async function decisions(gw: RunningGateway): Promise<number> {
    const text = await gw.metrics.registry.getSingleMetricAsString('tailgate_access_decisions_total');
    return text
      .split('\n')
      .filter((l) => l.includes('kind="target"'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  }

  beforeAll(async () => {
    ctx = await connectToTestCluster(`tg-gw-${suffix()}`);
    await grantGatewayIdentity(ctx);
    namespace = await ctx.fixtures.namespace('tg-gw');
    await ctx.fixtures.grant(namespace, 'carol-reads-all', POD_LOG, [user('carol')]);
    await ctx.fixtures.grant(namespace, 'dave-reads-one', [{ ...POD_LOG[0]!, resourceNames: ['pod-one'] }], [user('dave')]);
    podsRoot = mkdtempSync(join(tmpdir(), 'tailgate-gw-cluster-'));
    writers = {
      one: new CriLogWriter(podsRoot, { namespace, pod: 'pod-one', container: 'app' }),
      two: new CriLogWriter(podsRoot, { namespace, pod: 'pod-two', container: 'app' }),
    };
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const gw of gateways) await gw.close();
    await ctx?.stop();
  });

  it('gives each user exactly the pods RBAC lets them read, with reviews bounded by distinct user and pod', async () => {
    const gw = await gateway(60_000);
    const carols = [await listen(gw, 'carol'), await listen(gw, 'carol')];
    const dave = await listen(gw, 'dave');
    for (let i = 0; i < 20; i++) {
      await writers.one.write(`one ${i}`);
      await writers.two.write(`two ${i}`);
    }
    await writers.one.write('end');
    await writers.two.write('end');
    for (const carol of carols) await carol.waitFor(() => carol.lines().filter((l) => l === 'end').length === 2, 'carol: both ends');
    await dave.waitFor(() => dave.lines().includes('end'), 'dave: the end');
    for (const carol of carols) expect(carol.records.length).toBe(42);
    expect(dave.lines()).toEqual([...Array.from({ length: 20 }, (_, i) => `one ${i}`), 'end']);
    // dave may not list the namespace's pods: pod-two is counted, not named, and RBAC's words stay in the log.
    expect(dave.denied).toEqual([]);
    expect(dave.hidden.map((h) => h.count)).toEqual([1]);
    // 2 users × 2 pods, whatever the number of records and listeners.
    expect(await decisions(gw)).toBe(4);
  });

  it('stops delivery within one re-check when a RoleBinding is deleted mid-stream, leaving other users alone', async () => {
    const gw = await gateway(300);
    const carol = await listen(gw, 'carol');
    const dave = await listen(gw, 'dave');
    await writers.one.write('before');
    await carol.waitFor(() => carol.lines().includes('before'), 'carol: before');
    await dave.waitFor(() => dave.lines().includes('before'), 'dave: before');

    const deletedAt = Date.now();
    await ctx.admin.delete(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings/carol-reads-all`);
    // carol may not list the namespace's pods any more either: she is told how many, not which.
    await carol.waitFor(() => carol.hidden.at(-1)?.count === 2, 'carol: both pods hidden');
    const tookMs = Date.now() - deletedAt;
    // One re-check interval (300 ms) plus the reviews themselves; the decision cache is bypassed on re-checks.
    expect(tookMs).toBeLessThan(3_000);

    await writers.one.write('after');
    await dave.waitFor(() => dave.lines().includes('after'), 'dave: after');
    await writers.one.write('sentinel');
    await dave.waitFor(() => dave.lines().includes('sentinel'), 'dave: sentinel');
    expect(carol.lines().filter((l) => l === 'after' || l === 'sentinel')).toEqual([]);
  });

  it("ends a deleted ServiceAccount's streams with unauthenticated and disconnects it", async () => {
    await ctx.fixtures.createServiceAccount(namespace, 'doomed');
    await ctx.fixtures.grant(namespace, 'doomed-reads', POD_LOG, [serviceAccount(namespace, 'doomed')]);
    const token = await ctx.fixtures.serviceAccountToken(namespace, 'doomed');
    const gw = await gateway(300, 500);
    const doomed = await listen(gw, 'doomed', token);
    await writers.one.write('still here');
    await doomed.waitFor(() => doomed.lines().includes('still here'), 'the line');

    await ctx.admin.delete(`/api/v1/namespaces/${namespace}/serviceaccounts/doomed`);
    // The apiserver keeps accepting a deleted ServiceAccount's token for about 10 s (its own token cache).
    await doomed.waitFor(() => doomed.ended.length === 1, 'the end of the stream', 30_000);
    expect(doomed.ended[0]!.reason).toBe('unauthenticated');
    await doomed.waitFor(() => !doomed.socket.connected, 'the disconnect');
  });
});
