// The gateway streaming pod logs from the real apiserver: kube-token sign-in, kube-rbac per pod,
// the kube-pod-logs source behind one shared pods/log request per container whatever the number
// of users and sockets, a backlog per listener, and each user seeing exactly their pods.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningGateway } from '../../apps/gateway/src/start-gateway';
import { suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { LogClient, SEES_EVERYTHING, seesPods, seesTargets, type Visibility } from '../e2e/support/log-client';

/** carol may read every pod of the namespace; dave and bob only `web` (resourceNames), bob may also list the pods. */
const SEES: Record<string, Visibility> = { carol: SEES_EVERYTHING, dave: seesPods(['web']), bob: seesPods(['web']) };
const NOTHING = seesTargets(() => false);
import { startClusterGateway } from './src/cluster-gateway';
import { grantGatewayIdentity, grantPodLogsSource } from './src/gateway-kube';

const POD_LOG = { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] };

describe('gateway with the kube-pod-logs source', () => {
  let ctx: ClusterTestContext;
  let ns: string;
  let gw: RunningGateway;
  const clients: LogClient[] = [];

  async function listen(name: string, tail?: number): Promise<LogClient> {
    const client = await LogClient.connect(gw.url, { token: ctx.cluster.users[name]!.token, sees: SEES[name] ?? NOTHING });
    clients.push(client);
    const ack = await client.subscribe({
      source: 'kube-pod-logs.pods',
      selector: { namespaces: [ns] },
      ...(tail === undefined ? {} : { tail }),
    });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    await client.waitFor(() => client.targets.length + client.denied.length + client.hidden.length === 3, `${name}'s targets`);
    // Targets are announced before the backlog is read: wait for it, so live lines written next are not in it.
    if (tail !== undefined) await client.waitFor(() => client.lines().includes('web history'), `${name}'s backlog`);
    return client;
  }

  beforeAll(async () => {
    ctx = await connectToTestCluster(`tg-gpl-${suffix()}`);
    await grantGatewayIdentity(ctx);
    await grantPodLogsSource(ctx);
    ns = await ctx.fixtures.namespace('tg-gpl');
    await ctx.fixtures.pod(ns, 'web', { containers: ['app', 'sidecar'] });
    await ctx.fixtures.pod(ns, 'worker', { containers: ['app'] });
    await ctx.fixtures.grant(ns, 'carol-reads-all', [POD_LOG], [user('carol')]);
    await ctx.fixtures.grant(ns, 'dave-reads-web', [{ ...POD_LOG, resourceNames: ['web'] }], [user('dave')]);
    // bob reads `web` too, and may list the namespace's pods: Kubernetes would tell him `worker` exists.
    const listPods = { apiGroups: [''], resources: ['pods'], verbs: ['list'] };
    await ctx.fixtures.grant(ns, 'bob-lists-reads-web', [listPods, { ...POD_LOG, resourceNames: ['web'] }], [user('bob')]);
    ctx.kubelet.container(ns, 'web', 'app').write('web history');
    ctx.kubelet.container(ns, 'worker', 'app').write('worker history');
    gw = await startClusterGateway(ctx, { plugins: { 'kube-pod-logs': { retryMinMs: 50, retryMaxMs: 500 } } });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await gw?.close();
    await ctx?.stop();
  });

  it('names the pod a user may not read only to one whom RBAC lets list the namespace', async () => {
    const bob = await listen('bob');
    const dave = await listen('dave');
    expect(bob.denied.map(({ target, reason }) => `${target.ns}/${target.pod}/${target.container} ${reason}`)).toEqual([
      `${ns}/worker/app forbidden`,
    ]);
    expect(bob.hidden).toEqual([]);
    expect(dave.denied).toEqual([]);
    expect(dave.hidden.map((h) => h.count)).toEqual([1]);
  });

  it('lists the source with its selector schema and resume support', async () => {
    const client = await LogClient.connect(gw.url, { token: ctx.cluster.users.carol!.token, sees: SEES_EVERYTHING });
    clients.push(client);
    const listed = (await client.emitRaw('sources.list', {})) as { ok: boolean; sources: { id: string; supports: object }[] };
    const source = listed.sources.find((s) => s.id === 'kube-pod-logs.pods');
    expect(source?.supports).toEqual({ tail: true, since: true, resume: true });
  });

  it('gives each user exactly the pods RBAC allows, through one pods/log request per container', async () => {
    const carols = [await listen('carol', 1), await listen('carol')];
    const dave = await listen('dave', 1);
    // dave may read `web` only and may not list the namespace's pods: `worker` is counted, never named.
    expect(dave.denied).toEqual([]);
    expect(dave.hidden.map((h) => h.count)).toEqual([1]);
    expect(dave.targets.map((t) => `${t.target.pod}/${t.target.container}`).sort()).toEqual(['web/app', 'web/sidecar']);

    await waitUntil(() => ['app', 'sidecar'].every((c) => ctx.kubelet.container(ns, 'web', c).current.followers === 1));
    await waitUntil(() => ctx.kubelet.container(ns, 'worker', 'app').current.followers === 1);
    for (let i = 0; i < 10; i++) {
      ctx.kubelet.container(ns, 'web', 'app').write(`web ${i}`);
      ctx.kubelet.container(ns, 'web', 'sidecar').write(`sidecar ${i}`);
      ctx.kubelet.container(ns, 'worker', 'app').write(`worker ${i}`);
    }
    for (const client of [...carols, dave]) await client.waitFor(() => client.lines().includes('sidecar 9'), 'the last sidecar line');
    await carols[0]!.waitFor(() => carols[0]!.lines().includes('worker 9'), 'the last worker line');

    const of = (client: LogClient, pod: string, container: string) =>
      client.records.filter((r) => r.pod === pod && r.container === container).map((r) => r.line);
    const live = (prefix: string) => Array.from({ length: 10 }, (_, i) => `${prefix} ${i}`);
    // The first listener with tail 1 got the history line first; the one without tail only live lines.
    expect(of(carols[0]!, 'web', 'app')).toEqual(['web history', ...live('web')]);
    expect(of(carols[0]!, 'worker', 'app')).toEqual(['worker history', ...live('worker')]);
    expect(of(carols[1]!, 'web', 'app')).toEqual(live('web'));
    expect(of(dave, 'web', 'app')).toEqual(['web history', ...live('web')]);
    expect(of(dave, 'web', 'sidecar')).toEqual(live('sidecar'));
    expect(of(dave, 'worker', 'app')).toEqual([]);
    // Three sockets, two users, one followed request per container.
    for (const [pod, container] of [
      ['web', 'app'],
      ['web', 'sidecar'],
      ['worker', 'app'],
    ] as const) {
      expect(ctx.kubelet.container(ns, pod, container).current.followers).toBe(1);
    }
  });

  it('resumes a client that reconnects with its cursors: the missed lines once each, in order per container', async () => {
    const first = await listen('carol');
    await waitUntil(() => ctx.kubelet.container(ns, 'worker', 'app').current.followers === 1);
    ctx.kubelet.container(ns, 'web', 'app').write('seen web');
    ctx.kubelet.container(ns, 'worker', 'app').write('seen worker');
    await first.waitFor(() => first.lines().includes('seen web') && first.lines().includes('seen worker'), 'the seen lines');
    const cursors = Object.fromEntries(first.records.map((r) => [`${r.ns}/${r.pod}/${r.container}`, r.cursor]));
    first.close();
    ctx.kubelet.container(ns, 'web', 'app').write('missed web 1').write('missed web 2');
    ctx.kubelet.container(ns, 'worker', 'app').write('missed worker');
    ctx.kubelet.container(ns, 'web', 'sidecar').write('missed sidecar');

    const back = await LogClient.connect(gw.url, { token: ctx.cluster.users.carol!.token, sees: SEES_EVERYTHING });
    clients.push(back);
    const ack = await back.subscribe({ source: 'kube-pod-logs.pods', selector: { namespaces: [ns] }, resume: cursors });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    await back.waitFor(() => back.lines().includes('missed sidecar') && back.lines().includes('missed worker'), 'the missed lines');
    ctx.kubelet.container(ns, 'web', 'app').write('live again');
    await back.waitFor(() => back.lines().includes('live again'), 'a live line');
    const of = (pod: string, container: string) =>
      back.records.filter((r) => r.pod === pod && r.container === container).map((r) => r.line);
    expect(of('web', 'app')).toEqual(['missed web 1', 'missed web 2', 'live again']);
    expect(of('worker', 'app')).toEqual(['missed worker']);
    // The sidecar had no cursor: it continues after the smallest one the client sent.
    expect(of('web', 'sidecar')).toEqual(['missed sidecar']);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
