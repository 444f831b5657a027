import type { KubeApi, SubjectAccessReviewSpec } from '@tailgate/kube';
import { type LogRecord, silentLogger, type SourceEvent } from '@tailgate/plugin-sdk';
import { collectBacklog, collectStream, describeLogSource, type StreamCollector } from '@tailgate/plugin-sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { KubeEventsConfigSchema } from './kube-events-config';
import { KubeEventsSource } from './kube-events-source';
import { FakeEventsApi, fakeEvent, type FakeEventOptions } from './testing/fake-events-api';

const CONFIG = KubeEventsConfigSchema.parse({ retryDelayMs: 10 });
const NS = 'team-a';
const alice = { user: 'alice', groups: ['devs'] };
const authorizeCtx = { signal: new AbortController().signal, logger: silentLogger };

/** Answers reviews from a set of `<group>|<namespace>` grants of `list events`. */
function reviews(grants: readonly string[]) {
  const asked: SubjectAccessReviewSpec[] = [];
  const kube: Pick<KubeApi, 'subjectAccessReview'> = {
    subjectAccessReview: (spec) => {
      asked.push(spec);
      const { group, namespace } = spec.resourceAttributes;
      return Promise.resolve({ allowed: grants.includes(`${group}|${namespace ?? ''}`), denied: false });
    },
  };
  return { kube, asked };
}

function harness() {
  const api = new FakeEventsApi();
  const source = new KubeEventsSource(reviews([]).kube, api, CONFIG);
  return { api, source };
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(predicate()).toBe(true);
}

const pod = (name: string, options: Partial<FakeEventOptions> = {}) =>
  fakeEvent({ namespace: NS, regarding: { kind: 'Pod', name }, ...options });
const deployment = (name: string, options: Partial<FakeEventOptions> = {}) =>
  fakeEvent({ namespace: NS, regarding: { kind: 'Deployment', name, apiVersion: 'apps/v1' }, ...options });
const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000);
const uidOf = (event: Record<string, unknown>) => (event.metadata as { uid: string }).uid;
const targetEvents = (collector: StreamCollector) =>
  collector.events.filter((e): e is Extract<SourceEvent, { type: 'target' }> => e.type === 'target').map((e) => [e.op, e.target.pod]);

describeLogSource('kube-events (a double of the events API)', async () => {
  const api = new FakeEventsApi();
  let next = Date.now() - 60_000;
  return {
    source: new KubeEventsSource(reviews([]).kube, api, CONFIG),
    selector: { namespaces: [NS] },
    invalidSelectors: [
      {},
      { namespaces: [] },
      { namespaces: ['Team_A'] },
      { namespaces: [NS], object: { kind: 'pod', name: 'web' } },
      { namespaces: [NS], object: { kind: 'Pod', name: 'a/b' } },
      { namespaces: [NS], types: ['Error'] },
      { namespaces: [NS], reasons: ['Back Off'] },
      { namespaces: [NS], format: 'yaml' },
      { namespaces: [NS], unknown: true },
    ],
    // Events put before the stream's watch is open would be in its first list: the backlog's, not the stream's.
    async produce(lines) {
      await until(() => api.watching > 0);
      for (const line of lines) api.put(pod('web', { note: line, eventTime: new Date((next += 1)) }));
    },
    lineOf: (line) => `Normal Test pod/web ${line}`,
    openUpstreams: () => api.openRequests,
  };
});

describe('KubeEventsSource live stream', () => {
  let collector: StreamCollector | undefined;
  afterEach(async () => {
    await collector?.stop();
    collector = undefined;
  });

  async function start(api: FakeEventsApi, source: KubeEventsSource, selector: unknown = { namespaces: [NS] }) {
    collector = collectStream(source, source.selector.parse(selector));
    await until(() => api.watching > 0);
    return collector;
  }

  it('announces the objects that have Events, sends only new observations, and names a pod by itself and anything else by kind:name', async () => {
    const { api, source } = harness();
    api.put(pod('web-1', { reason: 'Scheduled', note: 'before the stream', eventTime: at(30) }));
    const live = await start(api, source);
    api.put(deployment('web', { reason: 'ScalingReplicaSet', note: 'Scaled up replica set web-abc to 1', eventTime: at(2) }));
    api.put(pod('web-1', { type: 'Warning', reason: 'BackOff', note: 'Back-off restarting failed container app', eventTime: at(1) }));
    await live.waitFor((c) => c.records.length === 2);
    expect(targetEvents(live)).toEqual([
      ['added', 'web-1'],
      ['added', 'deployment.apps:web'],
    ]);
    expect(live.records.map((r) => [r.target.pod, r.target.container, r.stream, r.line])).toEqual([
      ['deployment.apps:web', 'Events', 'stdout', 'Normal ScalingReplicaSet deployment/web Scaled up replica set web-abc to 1'],
      ['web-1', 'Events', 'stderr', 'Warning BackOff pod/web-1 Back-off restarting failed container app'],
    ]);
  });

  it('sends an Event seen again (series) as a new record with its count, and nothing for an update that observed nothing new', async () => {
    const { api, source } = harness();
    const live = await start(api, source);
    const first = pod('web-1', { type: 'Warning', reason: 'BackOff', note: 'Back-off', eventTime: at(300) });
    // One series for both updates: the second observed nothing new (two calls of `at` may fall in
    // different milliseconds, which would be a new observation).
    const series = { count: 3, lastObservedTime: at(60).toISOString() };
    api.put(first);
    api.put({ ...first, series });
    api.put({ ...first, series, metadata: { ...(first.metadata as object), labels: { x: 'y' } } });
    api.put(pod('web-1', { note: 'after', eventTime: at(30) }));
    await live.waitFor((c) => c.records.length === 3);
    expect(live.records.map((r) => r.line)).toEqual([
      'Warning BackOff pod/web-1 Back-off',
      'Warning BackOff pod/web-1 Back-off (x3 over 4m)',
      'Normal Test pod/web-1 after',
    ]);
    expect(live.records[1]?.ts.slice(0, 19)).toBe(series.lastObservedTime.slice(0, 19));
    expect(live.records[1]?.cursor.endsWith('-0000000003')).toBe(true);
  });

  it("sends a late observation at once, with a cursor after its target's last one", async () => {
    const { api, source } = harness();
    const live = await start(api, source);
    api.put(pod('web-1', { note: 'recent', eventTime: at(5) }));
    api.put(pod('web-1', { note: 'written late', eventTime: at(50) }));
    api.put(pod('web-1', { note: 'newest', eventTime: at(1) }));
    await live.waitFor((c) => c.records.length === 3);
    const [recent, late, newest] = live.records as [LogRecord, LogRecord, LogRecord];
    expect(late.cursor > recent.cursor && newest.cursor > late.cursor).toBe(true);
    expect(late.cursor.startsWith(`${recent.cursor}~`)).toBe(true);
    expect(late.ts < recent.ts).toBe(true);
  });

  it('removes a target once its last Event expired, without a reason', async () => {
    const { api, source } = harness();
    const live = await start(api, source);
    const [a, b] = [deployment('web', { eventTime: at(3) }), deployment('web', { eventTime: at(2) })];
    api.put(a);
    api.put(b);
    await live.waitFor((c) => c.records.length === 2);
    api.delete(uidOf(a));
    api.delete(uidOf(b));
    await live.waitFor((c) => c.events.some((e) => e.type === 'target' && e.op === 'removed'));
    expect(live.events.at(-1)).toEqual({
      type: 'target',
      op: 'removed',
      target: { namespace: NS, pod: 'deployment.apps:web', container: 'Events' },
    });
  });

  it('after a re-list sends what the watch missed, once', async () => {
    const { api, source } = harness();
    const live = await start(api, source);
    api.put(pod('web-1', { note: 'seen', eventTime: at(10) }));
    await live.waitFor((c) => c.records.length === 1);
    api.expireWatches();
    api.put(pod('web-1', { note: 'missed', eventTime: at(5) }));
    await live.waitFor((c) => c.records.length === 2);
    api.put(pod('web-1', { note: 'after', eventTime: at(1) }));
    await live.waitFor((c) => c.records.length === 3);
    expect(live.records.map((r) => r.line)).toEqual([
      'Normal Test pod/web-1 seen',
      'Normal Test pod/web-1 missed',
      'Normal Test pod/web-1 after',
    ]);
  });

  it('keeps to the object, types and reasons asked for', async () => {
    const { api, source } = harness();
    const live = await start(api, source, {
      namespaces: [NS],
      object: { kind: 'Pod', name: 'web-1' },
      types: ['Warning'],
      reasons: ['BackOff', 'Failed'],
    });
    api.put(pod('web-1', { type: 'Normal', reason: 'BackOff', eventTime: at(4) }));
    api.put(pod('web-2', { type: 'Warning', reason: 'BackOff', eventTime: at(3) }));
    api.put(pod('web-1', { type: 'Warning', reason: 'Pulled', eventTime: at(2) }));
    api.put(deployment('web-1', { type: 'Warning', reason: 'Failed', eventTime: at(2) }));
    api.put(pod('web-1', { type: 'Warning', reason: 'Failed', note: 'kept', eventTime: at(1) }));
    await live.waitFor((c) => c.records.length === 1);
    expect(live.records.map((r) => r.line)).toEqual(['Warning Failed pod/web-1 kept']);
    expect(targetEvents(live)).toEqual([['added', 'web-1']]);
  });
});

describe('KubeEventsSource backlog', () => {
  const read = async (
    source: KubeEventsSource,
    options: Parameters<KubeEventsSource['backlog']>[1],
    selector: unknown = { namespaces: [NS] },
  ) =>
    collectBacklog(
      source.backlog(source.selector.parse(selector), options, { signal: new AbortController().signal, logger: silentLogger }),
    );

  it('gives the newest `tail` Events per object, oldest first across objects, each at its last observation', async () => {
    const { api, source } = harness();
    const first = pod('web-1', { note: 'one', eventTime: at(50) });
    api.put(first);
    api.put(deployment('web', { note: 'scaled', eventTime: at(40) }));
    api.put(pod('web-1', { note: 'two', eventTime: at(30) }));
    api.put(pod('web-1', { note: 'three', eventTime: at(20) }));
    api.put({ ...first, series: { count: 2, lastObservedTime: at(10).toISOString() } });
    const backlog = await read(source, { tail: 2 });
    expect(backlog.records.map((r) => r.line)).toEqual([
      'Normal Test deployment/web scaled',
      'Normal Test pod/web-1 three',
      'Normal Test pod/web-1 one (x2 over 40s)',
    ]);
    expect(backlog.targets.map((t) => t.pod)).toEqual(['deployment.apps:web', 'web-1']);
  });

  it('narrows by since and by resume cursors: per object, else the one for others, else nothing', async () => {
    const { api, source } = harness();
    api.put(pod('web-1', { note: 'old', eventTime: at(50) }));
    api.put(pod('web-1', { note: 'new', eventTime: at(10) }));
    api.put(deployment('web', { note: 'scaled', eventTime: at(20) }));
    expect((await read(source, { since: at(30) })).records.map((r) => r.line)).toEqual([
      'Normal Test deployment/web scaled',
      'Normal Test pod/web-1 new',
    ]);
    const all = (await read(source, { tail: 10 })).records;
    const oldCursor = all.find((r) => r.line.endsWith('old'))?.cursor as string;
    const byTarget = new Map([[`${NS}/web-1/Events`, oldCursor]]);
    expect((await read(source, { after: { byTarget } })).records.map((r) => r.line)).toEqual(['Normal Test pod/web-1 new']);
    expect((await read(source, { after: { byTarget, otherwise: oldCursor } })).records.map((r) => r.line)).toEqual([
      'Normal Test deployment/web scaled',
      'Normal Test pod/web-1 new',
    ]);
    expect((await read(source, {})).records).toEqual([]);
  });
});

describe('KubeEventsSource admit', () => {
  const selector = (namespaces: string[]) =>
    new KubeEventsSource(reviews([]).kube, new FakeEventsApi(), CONFIG).selector.parse({ namespaces });

  it('allows a subject that may list events in every namespace, through events.k8s.io or the core group', async () => {
    const { kube, asked } = reviews(['events.k8s.io|team-a', '|team-b']);
    const source = new KubeEventsSource(kube, new FakeEventsApi(), CONFIG);
    expect((await source.admit(selector(['team-a', 'team-b']), alice, authorizeCtx)).result).toBe('allow');
    expect(asked.map((spec) => [spec.user, spec.resourceAttributes])).toEqual(
      expect.arrayContaining([
        ['alice', { verb: 'list', group: 'events.k8s.io', resource: 'events', namespace: 'team-a' }],
        ['alice', { verb: 'list', group: 'events.k8s.io', resource: 'events', namespace: 'team-b' }],
        ['alice', { verb: 'list', group: '', resource: 'events', namespace: 'team-b' }],
      ]),
    );
  });

  it('denies when one namespace does not allow, naming the resource, and throws what the apiserver throws', async () => {
    const source = new KubeEventsSource(reviews(['events.k8s.io|team-a']).kube, new FakeEventsApi(), CONFIG);
    expect(await source.admit(selector(['team-a', 'team-b']), alice, authorizeCtx)).toEqual({
      result: 'deny',
      reason: 'Kubernetes RBAC does not allow list events in namespace team-b',
    });
    const failing = new KubeEventsSource(
      { subjectAccessReview: () => Promise.reject(new Error('apiserver away')) },
      new FakeEventsApi(),
      CONFIG,
    );
    await expect(failing.admit(selector(['team-a']), alice, authorizeCtx)).rejects.toThrow('apiserver away');
  });
});
