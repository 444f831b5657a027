import { allow, type PodMetadata, silentLogger, type Subject } from '@tailgate/plugin-sdk';
import { collectStream, type StreamCollector } from '@tailgate/plugin-sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { RECORDS_DROPPED_METRIC } from './flow-tap-metrics';
import { parseTapTarget, type TapRef } from './tap-ref';
import { DEMAND_SET, DEMAND_VERSION, recordsChannel } from './tap-state';
import { type FlowTapHarness, flowTapHarness, fluentRecord } from './testing/flow-tap-harness';

const WEB: TapRef = { kind: 'flow', namespace: 'acme', name: 'web' };
const API: TapRef = { kind: 'flow', namespace: 'acme', name: 'api' };
const ALL: TapRef = { kind: 'clusterflow', namespace: 'logging', name: 'all' };

/** The "apiserver's" pods: their real labels deny everyone but alice. */
const PODS: PodMetadata[] = [
  { namespace: 'acme', name: 'web-0', node: 'node-1', labels: { app: 'web', 'rbac/policy': 'deny' } },
  { namespace: 'acme', name: 'api-0', node: 'node-2', labels: { app: 'api', 'rbac/policy': 'deny' } },
  { namespace: 'other', name: 'db-0', node: 'node-3', labels: { app: 'db' } },
];

const alice: Subject = { user: 'system:serviceaccount:acme:alice', groups: ['system:serviceaccounts'] };
const authorizeCtx = { signal: new AbortController().signal, logger: silentLogger };

const streams: StreamCollector[] = [];
afterEach(async () => {
  await Promise.all(streams.splice(0).map((stream) => stream.stop()));
});

async function tap(harness: FlowTapHarness, flow: string): Promise<StreamCollector> {
  const stream = collectStream(harness.source!, harness.source!.selector.parse({ flow }));
  streams.push(stream);
  // Live once the stream listens on its channel.
  await expect.poll(() => harness.bus.listeners(recordsChannel(parseTapTarget(flow, 'logging')!))).toBe(1);
  return stream;
}

function ndjson(...records: string[]): string {
  return records.map((record) => `${record}\n`).join('');
}

describe('flow-tap.flows selector', () => {
  it('takes a Flow or a ClusterFlow and refuses anything else with the expected form', async () => {
    const { source } = await flowTapHarness();
    expect(source!.selector.safeParse({ flow: 'flow/acme/web' }).success).toBe(true);
    expect(source!.selector.safeParse({ flow: 'clusterflow/all' }).success).toBe(true);
    for (const bad of [
      { flow: 'flow/acme' },
      { flow: 'clusterflow/logging/all' },
      { flow: 'output/acme/x' },
      { flow: 'flow/Acme/web' },
      {},
      { flow: 'flow/acme/web', x: 1 },
    ]) {
      const parsed = source!.selector.safeParse(bad);
      expect(parsed.success, JSON.stringify(bad)).toBe(false);
    }
    const refused = source!.selector.safeParse({ flow: 'flow/acme' });
    expect(refused.error?.issues[0]?.message).toContain("'flow/<namespace>/<name>'");
  });

  it('keys a ClusterFlow by the control namespace and scopes a Flow to its namespace', async () => {
    const { source } = await flowTapHarness({ config: { controlNamespace: 'cluster-logging' } });
    expect(source!.streamKey({ flow: 'clusterflow/all' })).toBe('clusterflow/cluster-logging/all');
    expect(source!.streamKey({ flow: 'flow/acme/web' })).toBe('flow/acme/web');
    expect(source!.scope({ flow: 'flow/acme/web' })).toEqual([{ namespace: 'acme' }]);
    expect(source!.scope({ flow: 'clusterflow/all' })).toEqual([{}]);
    expect(source!.resumable).toBeFalsy();
    expect(source!.backlog).toBeUndefined();
  });
});

describe('flow-tap.flows admission', () => {
  it('asks the apiserver whether the subject may get that Flow, and allows only what it allows', async () => {
    const harness = await flowTapHarness();
    harness.kube.answer = (spec) => ({ allowed: spec.resourceAttributes.name === 'web', denied: false });
    await expect(harness.source!.admit!({ flow: 'flow/acme/web' }, alice, authorizeCtx)).resolves.toEqual(allow());
    const denied = await harness.source!.admit!({ flow: 'flow/acme/api' }, alice, authorizeCtx);
    expect(denied).toEqual({ result: 'deny', reason: 'Kubernetes RBAC does not allow get flows of acme/api' });
    expect(harness.kube.reviews[0]).toEqual({
      user: alice.user,
      groups: alice.groups,
      resourceAttributes: { verb: 'get', group: 'logging.banzaicloud.io', resource: 'flows', namespace: 'acme', name: 'web' },
    });
  });

  it('reviews a ClusterFlow as clusterflows in the control namespace', async () => {
    const harness = await flowTapHarness();
    harness.kube.answer = () => ({ allowed: true, denied: false });
    await harness.source!.admit!({ flow: 'clusterflow/all' }, alice, authorizeCtx);
    expect(harness.kube.reviews[0]?.resourceAttributes).toEqual({
      verb: 'get',
      group: 'logging.banzaicloud.io',
      resource: 'clusterflows',
      namespace: 'logging',
      name: 'all',
    });
  });

  it('denies with a reason when the host has no Kubernetes API, and when the subject has no identity', async () => {
    const withoutKube = await flowTapHarness({ kube: false });
    const decision = await withoutKube.source!.admit!({ flow: 'flow/acme/web' }, alice, authorizeCtx);
    expect(decision.result).toBe('deny');
    expect(decision).toHaveProperty('reason', expect.stringContaining('Kubernetes API'));
    const harness = await flowTapHarness();
    harness.kube.answer = () => ({ allowed: true, denied: false });
    expect((await harness.source!.admit!({ flow: 'flow/acme/web' }, { user: '', groups: [] }, authorizeCtx)).result).toBe('deny');
    expect(harness.kube.reviews).toHaveLength(0);
  });

  it('lets an apiserver failure throw, so the host denies without caching', async () => {
    const harness = await flowTapHarness();
    harness.kube.answer = () => {
      throw new Error('apiserver away');
    };
    await expect(harness.source!.admit!({ flow: 'flow/acme/web' }, alice, authorizeCtx)).rejects.toThrow('apiserver away');
  });
});

describe('flow-tap.flows stream', () => {
  it('passes on a forged record only with the target the apiserver gives its pod; the body labels are nowhere', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const password = await harness.grant(WEB);
    const stream = await tap(harness, 'flow/acme/web');
    const forged = fluentRecord({
      namespace: 'acme',
      pod: 'web-0',
      message: 'hello',
      time: '2024-05-01T10:00:00.123456789Z',
      labels: { 'rbac/policy': 'allow', 'rbac/acme_mallory': 'allow' },
      host: 'forged-node',
    });
    const response = await harness.post('/v1/flow/acme/web', ndjson(forged), { password });
    expect(response).toMatchObject({ status: 200, body: { accepted: 1, dropped: 0 } });
    await stream.waitFor((s) => s.records.length === 1);
    const target = { namespace: 'acme', pod: 'web-0', container: 'app', node: 'node-1' };
    expect(stream.events[0]).toEqual({ type: 'target', op: 'added', target });
    expect(stream.records[0]).toEqual({
      ts: '2024-05-01T10:00:00.123456789Z',
      target,
      stream: 'stdout',
      line: 'hello',
      cursor: '01714557600123456789-0000000000',
    });
    const everything = JSON.stringify([stream.events, harness.bus.published]);
    for (const absent of ['rbac/', 'mallory', 'forged-node', 'labels']) expect(everything).not.toContain(absent);
  });

  it('never passes on a record of a pod the apiserver does not know, and counts it', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const password = await harness.grant(WEB);
    const stream = await tap(harness, 'flow/acme/web');
    const body = ndjson(
      fluentRecord({ namespace: 'acme', pod: 'ghost-0', message: 'from nowhere', labels: { 'rbac/policy': 'allow' } }),
      fluentRecord({ namespace: 'acme', pod: 'web-0', message: 'real' }),
    );
    await harness.post('/v1/flow/acme/web', body, { password });
    await stream.waitFor((s) => s.records.length === 1);
    expect(stream.records.map((record) => record.line)).toEqual(['real']);
    expect(JSON.stringify(stream.events)).not.toContain('ghost-0');
    expect(harness.metrics.value(RECORDS_DROPPED_METRIC, { reason: 'unknown_pod' })).toBe(1);
  });

  it("drops a Flow's records of pods outside its namespace; a ClusterFlow takes any namespace", async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const webPassword = await harness.grant(WEB);
    const allPassword = await harness.grant(ALL);
    const web = await tap(harness, 'flow/acme/web');
    const all = await tap(harness, 'clusterflow/all');
    const body = ndjson(
      fluentRecord({ namespace: 'other', pod: 'db-0', message: 'db' }),
      fluentRecord({ namespace: 'acme', pod: 'web-0', message: 'web' }),
    );
    await harness.post('/v1/flow/acme/web', body, { password: webPassword });
    await harness.post('/v1/clusterflow/logging/all', body, { password: allPassword });
    await all.waitFor((s) => s.records.length === 2);
    await web.waitFor((s) => s.records.length === 1);
    expect(web.records.map((record) => record.line)).toEqual(['web']);
    expect(all.records.map((record) => record.target.namespace)).toEqual(['other', 'acme']);
    expect(harness.metrics.value(RECORDS_DROPPED_METRIC, { reason: 'wrong_namespace' })).toBe(1);
  });

  it('delivers a body for flow A only on flow A: never on the channel or the stream of flow B', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const webPassword = await harness.grant(WEB);
    await harness.grant(API);
    const web = await tap(harness, 'flow/acme/web');
    const api = await tap(harness, 'flow/acme/api');
    await harness.post('/v1/flow/acme/web', ndjson(fluentRecord({ namespace: 'acme', pod: 'api-0', message: 'for web only' })), {
      password: webPassword,
    });
    // A's password does not open B's URL either.
    const crossed = await harness.post(
      '/v1/flow/acme/api',
      ndjson(fluentRecord({ namespace: 'acme', pod: 'api-0', message: 'smuggled' })),
      {
        password: webPassword,
      },
    );
    expect(crossed.status).toBe(403);
    await web.waitFor((s) => s.records.length === 1);
    // The in-memory bus delivers synchronously and messages are checked in order: a flush is enough.
    await flush();
    expect(api.events).toEqual([]);
    expect(harness.bus.published.map((message) => message.channel)).toEqual([recordsChannel(WEB)]);
  });

  it('turns one body into one records event, after announcing each new target once', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const password = await harness.grant(WEB);
    const stream = await tap(harness, 'flow/acme/web');
    const body = ndjson(
      fluentRecord({ namespace: 'acme', pod: 'web-0', message: 'one' }),
      fluentRecord({ namespace: 'acme', pod: 'api-0', message: 'two' }),
      fluentRecord({ namespace: 'acme', pod: 'web-0', message: 'three' }),
    );
    await harness.post('/v1/flow/acme/web', body, { password });
    await harness.post('/v1/flow/acme/web', ndjson(fluentRecord({ namespace: 'acme', pod: 'web-0', message: 'four' })), { password });
    await stream.waitFor((s) => s.records.length === 4);
    expect(stream.events.map((event) => (event.type === 'records' ? event.records.length : `${event.op} ${event.target.pod}`))).toEqual([
      'added web-0',
      'added api-0',
      3,
      1,
    ]);
  });

  it('orders cursors per target even when record times go backwards, and stamps untimed records on receipt', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const password = await harness.grant(WEB);
    const stream = await tap(harness, 'flow/acme/web');
    const before = new Date().toISOString();
    const body = ndjson(
      fluentRecord({ namespace: 'acme', pod: 'web-0', message: 'late', time: '2024-05-01T10:00:02Z' }),
      fluentRecord({ namespace: 'acme', pod: 'web-0', message: 'early', time: '2024-05-01T10:00:01Z' }),
      fluentRecord({ namespace: 'acme', pod: 'web-0', message: 'untimed' }),
    );
    await harness.post('/v1/flow/acme/web', body, { password });
    await stream.waitFor((s) => s.records.length === 3);
    const cursors = stream.records.map((record) => record.cursor);
    expect([...cursors].sort()).toEqual(cursors);
    expect(new Set(cursors).size).toBe(3);
    expect(stream.records[1]?.ts).toBe('2024-05-01T10:00:01.000000000Z');
    expect(stream.records[2]!.ts >= before.slice(0, 19)).toBe(true);
  });

  it('announces a target anew when its pod moves to another node, and removes it when the pod is gone', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const password = await harness.grant(WEB);
    const stream = await tap(harness, 'flow/acme/web');
    const line = ndjson(fluentRecord({ namespace: 'acme', pod: 'web-0', message: 'x' }));
    await harness.post('/v1/flow/acme/web', line, { password });
    harness.pods.put({ namespace: 'acme', name: 'web-0', node: 'node-9', labels: {} });
    await harness.post('/v1/flow/acme/web', line, { password });
    harness.pods.delete('acme', 'web-0');
    await harness.post('/v1/flow/acme/web', line, { password });
    await stream.waitFor((s) => s.events.length === 6);
    expect(stream.events.map((event) => (event.type === 'records' ? 'records' : `${event.op} ${event.target.node}`))).toEqual([
      'added node-1',
      'records',
      'removed node-1',
      'added node-9',
      'records',
      'removed node-9',
    ]);
  });

  it('drops and counts records whose pod cannot be looked up, and messages that are not record arrays', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const password = await harness.grant(WEB);
    const stream = await tap(harness, 'flow/acme/web');
    harness.pods.failing = true;
    await harness.post('/v1/flow/acme/web', ndjson(fluentRecord({ namespace: 'acme', pod: 'web-0', message: 'x' })), { password });
    await harness.bus.publish(recordsChannel(WEB), '{"not":"an array"}');
    await harness.bus.publish(
      recordsChannel(WEB),
      JSON.stringify([{ namespace: 'acme', pod: 'web-0', container: 'app', stream: 'stdout', line: 'x', labels: {} }]),
    );
    await flush();
    expect(stream.events).toEqual([]);
    expect(harness.metrics.value(RECORDS_DROPPED_METRIC, { reason: 'pod_metadata_unavailable' })).toBe(1);
    expect(harness.metrics.value(RECORDS_DROPPED_METRIC, { reason: 'invalid_message' })).toBe(2);
  });

  it('wants its tap in shared state while it runs and asks for a reconcile at start and for after the hand-over at end', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const stream = await tap(harness, 'flow/acme/web');
    await expect.poll(() => harness.reconciles()).toBe(1);
    expect(await harness.state.members(DEMAND_SET)).toEqual(['flow/acme/web']);
    expect(await harness.state.get(DEMAND_VERSION)).toBe('1');
    await stream.stop();
    // Still wanted for the hand-over time (TapDemand's spec follows it to the end), no longer renewed.
    expect(await harness.state.members(DEMAND_SET)).toEqual(['flow/acme/web']);
    expect(await harness.state.get(DEMAND_VERSION)).toBe('2');
    expect(harness.reconciles()).toBe(2);
    expect(harness.bus.listeners(recordsChannel(WEB))).toBe(0);
  });
});

describe('flow-tap in the worker', () => {
  it('registers no source and no endpoint where the host offers no plugin HTTP', async () => {
    const harness = await flowTapHarness({ http: false });
    expect(harness.source).toBeUndefined();
    expect(harness.handler).toBeUndefined();
  });
});

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}
