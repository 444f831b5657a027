// The kube-pod-logs source against the real apiserver and the kubelet stand-in: workloads scaled
// up and down mid-stream, restarts, deletions, completion, previous logs, backlog semantics equal
// to kubectl's, resume, and the upstream failures (refused identity, dropped connections,
// unscheduled pods, containers the kubelet does not know yet).
import type { KubeServices } from '@tailgate/kube';
import { KubePodLogsSource, PodLogsSelectorSchema } from '@tailgate/plugin-kube-pod-logs';
import { type LogRecord, silentLogger, type SourceEvent, targetKey } from '@tailgate/plugin-sdk';
import { collectBacklog, collectStream, type StreamCollector } from '@tailgate/plugin-sdk/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { controllerRef, suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { gatewayKube, grantPodLogsSource } from './src/gateway-kube';
import { POD_LOGS_TEST_CONFIG } from './src/pod-logs-test-config';

let ctx: ClusterTestContext;
let kube: KubeServices;
let source: KubePodLogsSource;
const streams: StreamCollector[] = [];

function open(selector: unknown): StreamCollector {
  const stream = collectStream(source, PodLogsSelectorSchema.parse(selector));
  streams.push(stream);
  return stream;
}

const lines = (records: readonly LogRecord[], pod?: string) =>
  records.filter((r) => pod === undefined || r.target.pod === pod).map((r) => r.line);
const targetEvents = (events: readonly SourceEvent[]) =>
  events.flatMap((e) =>
    e.type === 'target' ? [`${e.op} ${e.target.pod}/${e.target.container}${'reason' in e && e.reason ? ` ${e.reason}` : ''}`] : [],
  );
const added = (stream: StreamCollector) => targetEvents(stream.events).filter((e) => e.startsWith('added'));

beforeAll(async () => {
  ctx = await connectToTestCluster(`tg-pl-${suffix()}`);
  await grantPodLogsSource(ctx);
  kube = await gatewayKube(ctx);
  source = new KubePodLogsSource(kube.http, POD_LOGS_TEST_CONFIG, silentLogger);
});

afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  await ctx?.stop();
});

describe('kube-pod-logs: live streams', () => {
  it('follows a deployment scaled up and down: targets come and go, every line exactly once', async () => {
    const ns = await ctx.fixtures.namespace('pl-deploy');
    const web = await ctx.fixtures.deployment(ns, 'web', { replicas: 2 });
    // Same labels, no owner: not one of the deployment's pods.
    await ctx.fixtures.pod(ns, 'stray', { labels: { app: 'web' } });
    const stream = open({ namespaces: [ns], workload: { kind: 'deployment', name: 'web' } });
    await stream.waitFor((s) => added(s).length === 2);
    const [a, b] = web.pods.map((p) => p.metadata.name) as [string, string];
    await waitForFollowers(ns, [a, b]);
    const expected = new Map<string, string[]>([
      [a, []],
      [b, []],
    ]);
    const write = (pod: string, line: string) => {
      ctx.kubelet.container(ns, pod, 'app').write(line);
      expected.get(pod)?.push(line);
    };
    for (let i = 0; i < 5; i++) for (const pod of [a, b]) write(pod, `${pod} line ${i}`);
    // Scale up: a third pod of the ReplicaSet, which logs before the stream sees it.
    const rs = web.replicaSet!;
    const c = `${rs.metadata.name}-${suffix()}`;
    await ctx.fixtures.pod(ns, c, { labels: rs.metadata.labels ?? {}, ownerReferences: [controllerRef(rs)] });
    expected.set(c, []);
    write(c, `${c} early`);
    await stream.waitFor((s) => added(s).length === 3);
    for (let i = 0; i < 5; i++) for (const pod of [a, b, c]) write(pod, `${pod} more ${i}`);
    await stream.waitFor((s) => [...expected].every(([pod, want]) => lines(s.records, pod).length === want.length));
    // Scale down: the first pod logs a last line and goes.
    write(a, `${a} last words`);
    await ctx.fixtures.deletePod(ns, a);
    await stream.waitFor((s) => targetEvents(s.events).includes(`removed ${a}/app deleted`));
    write(b, `${b} after scale down`);
    await stream.waitFor((s) => lines(s.records, b).includes(`${b} after scale down`));

    for (const [pod, want] of expected) expect(lines(stream.records, pod), pod).toEqual(want);
    expect(stream.records.some((r) => r.target.pod === 'stray')).toBe(false);
    expect(targetEvents(stream.events).sort()).toEqual(
      [`added ${a}/app`, `added ${b}/app`, `added ${c}/app`, `removed ${a}/app deleted`].sort(),
    );
    // Cursors of each container increase strictly.
    for (const pod of expected.keys()) {
      const cursors = stream.records.filter((r) => r.target.pod === pod).map((r) => r.cursor);
      expect([...cursors].sort()).toEqual(cursors);
      expect(new Set(cursors).size).toBe(cursors.length);
    }
  });

  it('follows a container onto its new instance after a restart, without repeating a line', async () => {
    const ns = await ctx.fixtures.namespace('pl-restart');
    await ctx.fixtures.pod(ns, 'api');
    const stream = open({ namespaces: [ns] });
    await stream.waitFor((s) => added(s).length === 1);
    await waitForFollowers(ns, ['api']);
    const app = ctx.kubelet.container(ns, 'api', 'app');
    app.write('before 1').write('before 2');
    await stream.waitFor((s) => s.records.length === 2);
    app.restart(1);
    await ctx.fixtures.reportStatus(ns, 'api');
    app.write('after 1').write('after 2');
    await stream.waitFor((s) => s.records.length === 4);
    app.write('after 3');
    await stream.waitFor((s) => s.records.length === 5);
    expect(lines(stream.records)).toEqual(['before 1', 'before 2', 'after 1', 'after 2', 'after 3']);
    expect(targetEvents(stream.events)).toEqual(['added api/app']);
  });

  it('ends a container that ran to completion with `completed`, and its init container too', async () => {
    const ns = await ctx.fixtures.namespace('pl-job');
    const job = await ctx.fixtures.job(ns, 'migrate');
    const pod = job.pods[0]!.metadata.name;
    const stream = open({ namespaces: [ns], workload: { kind: 'job', name: 'migrate' } });
    await stream.waitFor((s) => added(s).length === 1);
    await waitForFollowers(ns, [pod]);
    const app = ctx.kubelet.container(ns, pod, 'app');
    app.write('migrating').write('done');
    app.terminate(0);
    await ctx.fixtures.reportStatus(ns, pod);
    await stream.waitFor((s) => targetEvents(s.events).includes(`removed ${pod}/app completed`));
    expect(lines(stream.records)).toEqual(['migrating', 'done']);

    // An init container completes while the pod's app container keeps running (restartPolicy Always).
    await ctx.fixtures.pod(ns, 'web', { initContainers: ['setup'], containers: ['app'] });
    const web = open({ namespaces: [ns], pods: ['web'] });
    await web.waitFor((s) => added(s).length === 2);
    await waitUntil(() => ctx.kubelet.container(ns, 'web', 'setup').current.followers > 0, 'init follower');
    const setup = ctx.kubelet.container(ns, 'web', 'setup');
    setup.write('schema ready');
    setup.terminate(0);
    await ctx.fixtures.reportStatus(ns, 'web');
    await web.waitFor((s) => targetEvents(s.events).includes('removed web/setup completed'));
    ctx.kubelet.container(ns, 'web', 'app').write('serving');
    await web.waitFor((s) => s.records.length === 2);
    expect(lines(web.records)).toEqual(['schema ready', 'serving']);
    expect(targetEvents(web.events)).toEqual(['added web/setup', 'added web/app', 'removed web/setup completed']);
  });

  it('selects containers by kind and name: init containers by default, left out on request', async () => {
    const ns = await ctx.fixtures.namespace('pl-kinds');
    await ctx.fixtures.pod(ns, 'web', { containers: ['app', 'sidecar'], initContainers: ['setup'] });
    const all = open({ namespaces: [ns] });
    const regular = open({ namespaces: [ns], containerKinds: ['regular'], excludeContainers: ['^side'] });
    await all.waitFor((s) => added(s).length === 3);
    await regular.waitFor((s) => added(s).length === 1);
    expect(added(all).sort()).toEqual(['added web/app', 'added web/setup', 'added web/sidecar']);
    expect(added(regular)).toEqual(['added web/app']);
  });

  it('shares one pods/log request per container between streams', async () => {
    const ns = await ctx.fixtures.namespace('pl-share');
    await ctx.fixtures.pod(ns, 'api', { labels: { app: 'api' } });
    const byNamespace = open({ namespaces: [ns] });
    const byLabel = open({ namespaces: [ns], labelSelector: 'app=api' });
    await byNamespace.waitFor((s) => added(s).length === 1);
    await byLabel.waitFor((s) => added(s).length === 1);
    await waitForFollowers(ns, ['api']);
    ctx.kubelet.container(ns, 'api', 'app').write('once');
    await byNamespace.waitFor((s) => s.records.length === 1);
    await byLabel.waitFor((s) => s.records.length === 1);
    expect(ctx.kubelet.container(ns, 'api', 'app').current.followers).toBe(1);
    expect(followRequests(ns, 'api')).toBe(1);
  });

  it('waits for an unscheduled pod (pods/log answers 204) and follows it once it is bound', async () => {
    const ns = await ctx.fixtures.namespace('pl-unsched');
    await ctx.admin.create(`/api/v1/namespaces/${ns}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pending' },
      spec: { containers: [{ name: 'app', image: 'registry.invalid/tailgate/test:1' }] },
    });
    const unscheduled = await ctx.admin.raw('GET', `/api/v1/namespaces/${ns}/pods/pending/log?container=app`);
    expect(unscheduled.status).toBe(204);
    const stream = open({ namespaces: [ns] });
    await new Promise((r) => setTimeout(r, 300));
    expect(added(stream)).toEqual([]);
    ctx.kubelet.container(ns, 'pending', 'app').write('scheduled at last');
    await ctx.admin.create(`/api/v1/namespaces/${ns}/pods/pending/binding`, {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'pending' },
      target: { apiVersion: 'v1', kind: 'Node', name: ctx.kubelet.nodeName },
    });
    await stream.waitFor((s) => s.records.length === 1);
    expect(lines(stream.records)).toEqual(['scheduled at last']);
  });

  it('retries a container the kubelet does not know yet (404) until it appears', async () => {
    const ns = await ctx.fixtures.namespace('pl-late');
    await ctx.admin.create(`/api/v1/namespaces/${ns}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'slow' },
      spec: { nodeName: ctx.kubelet.nodeName, containers: [{ name: 'app', image: 'registry.invalid/tailgate/test:1' }] },
    });
    const stream = open({ namespaces: [ns] });
    await stream.waitFor((s) => added(s).length === 1);
    await waitUntil(() => ctx.kubelet.requests.filter((r) => r.path === `/containerLogs/${ns}/slow/app`).length >= 2, 'retries');
    ctx.kubelet.container(ns, 'slow', 'app').write('finally running');
    await stream.waitFor((s) => s.records.length === 1, 10_000);
    expect(lines(stream.records)).toEqual(['finally running']);
  });

  it('reconnects after the kubelet drops the connection, from the last line, without duplicates', async () => {
    const ns = await ctx.fixtures.namespace('pl-drop');
    await ctx.fixtures.pod(ns, 'api');
    const stream = open({ namespaces: [ns] });
    await stream.waitFor((s) => added(s).length === 1);
    await waitForFollowers(ns, ['api']);
    const app = ctx.kubelet.container(ns, 'api', 'app');
    const sameInstant = new Date();
    app.write('one', { ts: sameInstant }).write('two', { ts: sameInstant });
    await stream.waitFor((s) => s.records.length === 2);
    const before = followRequests(ns, 'api');
    ctx.kubelet.dropConnections();
    await waitUntil(() => followRequests(ns, 'api') > before && app.current.followers === 1, 'reconnect');
    app.write('three', { ts: sameInstant }).write('four');
    await stream.waitFor((s) => s.records.length === 4);
    expect(lines(stream.records)).toEqual(['one', 'two', 'three', 'four']);
    const reconnect = ctx.kubelet.requests.filter((r) => r.path === `/containerLogs/${ns}/api/app`).at(-1);
    expect(reconnect?.query.get('sinceTime')).toBe(`${sameInstant.toISOString().slice(0, 19)}Z`);
  });

  it('ends the targets with `failed` when the apiserver refuses the gateway pods/log (403)', async () => {
    const ns = await ctx.fixtures.namespace('pl-403');
    await ctx.fixtures.pod(ns, 'api');
    await ctx.fixtures.grant(
      ns,
      'list-pods-only',
      [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
      [user('dave')],
    );
    const restricted = new KubePodLogsSource((await gatewayKube(ctx, { as: 'dave' })).http, POD_LOGS_TEST_CONFIG, silentLogger);
    const stream = collectStream(restricted, PodLogsSelectorSchema.parse({ namespaces: [ns] }));
    streams.push(stream);
    await stream.waitFor((s) => targetEvents(s.events).includes('removed api/app failed'));
    expect(restricted.pool.size).toBe(0);
  });
});

describe('kube-pod-logs: backlog, previous and resume', () => {
  let ns: string;
  const T = (s: number) => `2024-05-01T10:00:${String(s).padStart(2, '0')}.${String(s * 1111).padStart(9, '0')}Z`;

  beforeAll(async () => {
    ns = await ctx.fixtures.namespace('pl-backlog');
    await ctx.fixtures.pod(ns, 'web', { containers: ['app'] });
    await ctx.fixtures.pod(ns, 'worker', { containers: ['app'] });
    const web = ctx.kubelet.container(ns, 'web', 'app');
    const worker = ctx.kubelet.container(ns, 'worker', 'app');
    for (let s = 0; s < 10; s += 2) web.write(`web ${s}`, { ts: T(s) });
    for (let s = 1; s < 10; s += 2) worker.write(`worker ${s}`, { ts: T(s) });
  });

  const selector = () => PodLogsSelectorSchema.parse({ namespaces: [ns] });
  const backlog = (options: Parameters<KubePodLogsSource['backlog']>[1]) =>
    collectBacklog(source.backlog(selector(), options, { signal: AbortSignal.timeout(10_000), logger: silentLogger }));
  const kubectl = async (pod: string, query: string) =>
    (await ctx.admin.raw('GET', `/api/v1/namespaces/${ns}/pods/${pod}/log?container=app&${query}`)).text
      .split('\n')
      .filter((l) => l !== '');

  it('tail gives the last lines of each container, as kubectl logs --tail does, oldest first across pods', async () => {
    const { records, targets } = await backlog({ tail: 2 });
    expect(targets.map(targetKey).sort()).toEqual([`${ns}/web/app`, `${ns}/worker/app`]);
    expect(lines(records, 'web')).toEqual(await kubectl('web', 'tailLines=2'));
    expect(lines(records, 'worker')).toEqual(await kubectl('worker', 'tailLines=2'));
    expect(lines(records)).toEqual(['web 6', 'worker 7', 'web 8', 'worker 9']);
  });

  it('since gives the lines from that instant on, as kubectl logs --since-time does for a whole second', async () => {
    const since = '2024-05-01T10:00:05Z';
    const { records } = await backlog({ since: new Date(since) });
    expect(lines(records, 'web')).toEqual(await kubectl('web', `sinceTime=${encodeURIComponent(since)}`));
    expect(lines(records, 'worker')).toEqual(await kubectl('worker', `sinceTime=${encodeURIComponent(since)}`));
    expect(lines(records)).toEqual(['worker 5', 'web 6', 'worker 7', 'web 8', 'worker 9']);
  });

  it('since with sub-second precision leaves out the earlier lines of that second', async () => {
    const { records } = await backlog({ since: new Date('2024-05-01T10:00:05.600Z') });
    expect(lines(records)).toEqual(['web 6', 'worker 7', 'web 8', 'worker 9']);
  });

  it('tail and since together: the last lines, of those from the instant on (the kubelet applies both)', async () => {
    const { records } = await backlog({ tail: 3, since: new Date('2024-05-01T10:00:05Z') });
    expect(lines(records, 'web')).toEqual(await kubectl('web', `tailLines=3&sinceTime=${encodeURIComponent('2024-05-01T10:00:05Z')}`));
    expect(lines(records, 'web')).toEqual(['web 6', 'web 8']);
  });

  it('cursors are the same in a backlog and in a later read; resume continues right after them', async () => {
    const first = await backlog({ tail: 10 });
    const again = await backlog({ tail: 10 });
    expect(again.records.map((r) => r.cursor)).toEqual(first.records.map((r) => r.cursor));
    const webSeen = first.records.filter((r) => r.target.pod === 'web')[1]!;
    const workerSeen = first.records.filter((r) => r.target.pod === 'worker')[3]!;
    const resumed = await backlog({
      after: {
        byTarget: new Map([
          [targetKey(webSeen.target), webSeen.cursor],
          [targetKey(workerSeen.target), workerSeen.cursor],
        ]),
      },
    });
    expect(lines(resumed.records)).toEqual(['web 4', 'web 6', 'web 8', 'worker 9']);
  });

  it('previous: the terminated instance, then the targets complete and the stream ends', async () => {
    const pns = await ctx.fixtures.namespace('pl-prev');
    await ctx.fixtures.pod(pns, 'api');
    const app = ctx.kubelet.container(pns, 'api', 'app');
    app.write('old 1').write('old 2');
    app.restart(2);
    app.write('new 1');
    await ctx.fixtures.reportStatus(pns, 'api');
    const stream = open({ namespaces: [pns], previous: true });
    await stream.done;
    expect(lines(stream.records)).toEqual(['old 1', 'old 2']);
    expect(targetEvents(stream.events)).toEqual(['added api/app', 'removed api/app completed']);
    const kubectlPrevious = await ctx.admin.raw('GET', `/api/v1/namespaces/${pns}/pods/api/log?container=app&previous=true`);
    expect(kubectlPrevious.text).toBe('old 1\nold 2\n');
  });

  it('previous without a previous instance (the kubelet answers 400): the target ends with no records', async () => {
    const pns = await ctx.fixtures.namespace('pl-noprev');
    await ctx.fixtures.pod(pns, 'fresh');
    ctx.kubelet.container(pns, 'fresh', 'app').write('current only');
    const refused = await ctx.admin.raw('GET', `/api/v1/namespaces/${pns}/pods/fresh/log?container=app&previous=true`);
    expect(refused.status).toBe(400);
    const stream = open({ namespaces: [pns], previous: true });
    await stream.done;
    expect(stream.records).toEqual([]);
    expect(targetEvents(stream.events)).toEqual(['added fresh/app', 'removed fresh/app completed']);
  });

  it('limitBytes caps each container, cutting mid-line like kubectl --limit-bytes', async () => {
    const { records } = await collectBacklog(
      source.backlog(
        PodLogsSelectorSchema.parse({ namespaces: [ns], pods: ['web'], limitBytes: 10 }),
        { tail: 10 },
        { signal: AbortSignal.timeout(10_000), logger: silentLogger },
      ),
    );
    const kubectl = await ctx.admin.raw('GET', `/api/v1/namespaces/${ns}/pods/web/log?container=app&limitBytes=10`);
    expect(kubectl.text).toBe('web 0\nweb ');
    expect(lines(records)).toEqual(['web 0', 'web ']);
  });
});

describe('kube-pod-logs: selectors', () => {
  it('refuses unsafe patterns and malformed selectors before any request', () => {
    for (const bad of [
      { podPattern: '(a+)+$' },
      { workload: { kind: 'deployment', name: 'web' } },
      { fieldSelector: 'spec.secret=x' },
      { labelSelector: 'app=web;rm' },
      { namespaces: ['Not_A_Namespace'] },
      { containerKinds: [] },
      { extra: true },
    ]) {
      expect(PodLogsSelectorSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

function followRequests(ns: string, pod: string): number {
  return ctx.kubelet.requests.filter((r) => r.path === `/containerLogs/${ns}/${pod}/app` && r.query.get('follow') === 'true').length;
}

async function waitForFollowers(ns: string, pods: readonly string[]): Promise<void> {
  await waitUntil(() => pods.every((pod) => ctx.kubelet.container(ns, pod, 'app').current.followers > 0), 'followers');
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
