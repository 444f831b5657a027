// The node-logs source against the real apiserver's node proxy and the kubelet stand-in's Node Log
// Query: following a journal unit by asking again (every line once, even within one second),
// tail and since, a bounded query read once, files under /var/log, and every failure as a coded
// error with our own message (kubelet validation, a refused gateway identity, no such node, an
// unreachable kubelet).
import { createServer } from 'node:net';

import { createKubeServices, type KubeServices } from '@tailgate/kube';
import {
  NODE_LOG_ERROR_MESSAGES as MESSAGES,
  type NodeLogSelector,
  NodeLogSelectorSchema,
  NodeLogSource,
} from '@tailgate/plugin-node-logs';
import { isPluginError, type LogRecord, type PluginError, silentLogger } from '@tailgate/plugin-sdk';
import { collectBacklog, collectStream, describeLogSource, type StreamCollector } from '@tailgate/plugin-sdk/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { serviceAccount, suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { gatewayKube } from './src/gateway-kube';
import { countingTransport, openKubeletRequests } from './src/open-upstreams';

const CONFIG = { pollIntervalMs: 100, retries: 2, retryDelayMs: 10, maxBatchRecords: 100 };
const id = suffix();
const NODE = `tg-nl-${id}`;
const MISSING_NODE = `tg-nl-missing-${id}`;
const UNREACHABLE_NODE = `tg-nl-unreachable-${id}`;

let ctx: ClusterTestContext;
let kube: KubeServices;
let source: NodeLogSource;
const streams: StreamCollector[] = [];
const ctxFor = () => ({ signal: AbortSignal.timeout(20_000), logger: silentLogger });

const unit = (name: string) => `${name}-${suffix()}`;
const journal = (name: string) => ctx.kubelet.nodeLogs.service(name);
const message = (record: LogRecord) => record.line;
const ago = (ms: number) => new Date(Date.now() - ms);

function selector(raw: Record<string, unknown>): NodeLogSelector {
  return NodeLogSelectorSchema.parse({ node: NODE, ...raw });
}

function open(sel: NodeLogSelector, on: NodeLogSource = source): StreamCollector {
  const stream = collectStream(on, sel);
  streams.push(stream);
  return stream;
}

/** The coded error a stream ends with. */
async function failure(stream: StreamCollector): Promise<PluginError> {
  const error: unknown = await stream.done.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPluginError(error)) throw new Error(`expected a coded error, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  ctx = await connectToTestCluster(NODE);
  // The gateway's identity may proxy to these nodes only: other suites share the cluster.
  await ctx.fixtures.clusterRole(`tg-nl-proxy-${id}`, [
    { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'], resourceNames: [NODE, MISSING_NODE, UNREACHABLE_NODE] },
  ]);
  await ctx.fixtures.clusterRoleBinding(`tg-nl-proxy-${id}`, `tg-nl-proxy-${id}`, [user('tailgate-gateway')]);
  kube = await gatewayKube(ctx);
  source = new NodeLogSource(kube.http, CONFIG);
});

afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.stop().catch(() => undefined)));
});

afterAll(async () => {
  await ctx?.admin.delete(`/api/v1/nodes/${UNREACHABLE_NODE}`).catch(() => undefined);
  await ctx?.stop();
});

describeLogSource('node-logs (Node Log Query through the apiserver)', async () => {
  const name = unit('conformance');
  const writer = journal(name);
  // A source of its own, so that every request counted is one of this fixture's.
  const counted = countingTransport(kube.http);
  const atKubelet = openKubeletRequests(
    ctx.kubelet,
    (request) => request.path === '/logs/' && request.query.getAll('query').includes(name),
  );
  return {
    source: new NodeLogSource(counted.transport, CONFIG),
    selector: { node: NODE, query: name },
    invalidSelectors: [{ node: NODE }, { node: NODE, query: ['a', 'b', 'c', 'd', 'e'] }, { node: NODE, query: name, boot: 1 }],
    // Lines written at once share a millisecond (the stand-in's precision): cursors must still agree.
    produce: async (lines) => lines.forEach((line) => writer.write(line)),
    // A journal is followed by asking again: a request is open only part of the time, and none after the end.
    openUpstreams: () => counted.open() + atKubelet(),
  };
});

describe('node-logs: following a journal unit', () => {
  it('announces the node target, then delivers lines written after it started, each once, until aborted', async () => {
    const name = unit('kubelet');
    const writer = journal(name);
    writer.write('before the stream', { ts: ago(60_000) });
    const stream = open(selector({ query: name }));
    await stream.waitFor((s) => s.events.length > 0);
    expect(stream.events[0]).toEqual({ type: 'target', op: 'added', target: { namespace: '', pod: '', container: name, node: NODE } });
    // Several re-queries see the same second again; nothing may come twice.
    for (let i = 0; i < 5; i++) {
      writer.write(`live ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await stream.waitFor((s) => s.records.length >= 5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stream.records.map(message)).toEqual(['live 0', 'live 1', 'live 2', 'live 3', 'live 4']);
    expect(stream.records[0]!.target).toEqual({ namespace: '', pod: '', container: name, node: NODE });
    const cursors = stream.records.map((r) => r.cursor);
    expect([...cursors].sort()).toEqual(cursors);
    // Every re-query asked the kubelet from the second of the last line, through the trailing-slash path.
    const asked = ctx.kubelet.requests.filter((r) => r.path === '/logs/' && r.query.getAll('query').includes(name));
    expect(asked.length).toBeGreaterThan(3);
    for (const request of asked) expect(request.query.get('sinceTime')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('turns journal times into RFC 3339 record times', async () => {
    const name = unit('ts');
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 30_000 + 123);
    journal(name).write('stamped', { ts: at });
    const stream = open(selector({ query: name, sinceTime: new Date(at.getTime() - 1000).toISOString() }));
    await stream.waitFor((s) => s.records.length === 1);
    expect(stream.records[0]!.ts).toBe(at.toISOString().replace('Z', '000Z'));
  });

  it('starts with the last tailLines lines, or from sinceTime, then follows', async () => {
    const name = unit('window');
    const writer = journal(name);
    ['one', 'two', 'three'].forEach((line, i) => writer.write(line, { ts: ago(30_000 - i * 1000) }));
    const tail = open(selector({ query: name, tailLines: 2 }));
    const since = open(selector({ query: name, sinceTime: ago(28_500).toISOString() }));
    await tail.waitFor((s) => s.records.length === 2);
    await since.waitFor((s) => s.records.length === 1);
    writer.write('four');
    await tail.waitFor((s) => s.records.length === 3);
    await since.waitFor((s) => s.records.length === 2);
    expect(tail.records.map(message)).toEqual(['two', 'three', 'four']);
    expect(since.records.map(message)).toEqual(['three', 'four']);
  });

  it('keeps the journal identifier in front of each line when several services share the target', async () => {
    const [a, b] = [unit('svc-a'), unit('svc-b')];
    journal(a).write('from a', { ts: ago(3_000) });
    journal(b).write('from b', { ts: ago(2_000) });
    const stream = open(selector({ query: [a, b], sinceTime: ago(10_000).toISOString() }));
    await stream.waitFor((s) => s.records.length === 2);
    expect(stream.records.map((r) => r.line)).toEqual([
      expect.stringMatching(new RegExp(`^${a}\\[\\d+\\]: from a$`)),
      expect.stringMatching(new RegExp(`^${b}\\[\\d+\\]: from b$`)),
    ]);
    expect(stream.records[0]!.target.container).toBe(`${a},${b}`);
  });

  it('passes pattern and boot on to journalctl', async () => {
    const name = unit('grep');
    const writer = journal(name);
    writer.write('old boot error', { ts: ago(20_000), boot: -1 });
    writer.write('sync error: boom', { ts: ago(10_000) });
    writer.write('all fine', { ts: ago(9_000) });
    const stream = open(selector({ query: name, pattern: '(?i)ERROR', boot: 0, sinceTime: ago(60_000).toISOString() }));
    await stream.waitFor((s) => s.records.length === 1);
    writer.write('another error');
    await stream.waitFor((s) => s.records.length === 2);
    expect(stream.records.map(message)).toEqual(['sync error: boom', 'another error']);
  });

  it('reads a query with untilTime once and ends, its target completed', async () => {
    const name = unit('bounded');
    const writer = journal(name);
    writer.write('inside', { ts: ago(20_000) });
    writer.write('after until', { ts: ago(5_000) });
    const stream = open(selector({ query: name, sinceTime: ago(60_000).toISOString(), untilTime: ago(10_000).toISOString() }));
    await stream.done;
    expect(stream.records.map(message)).toEqual(['inside']);
    expect(stream.events.at(-1)).toMatchObject({ type: 'target', op: 'removed', reason: 'completed' });
  });
});

describe('node-logs: backlog', () => {
  it('gives the last `tail` lines, or those since an instant, with the cursors the live stream gives them', async () => {
    const name = unit('backlog');
    const writer = journal(name);
    const base = Math.floor(Date.now() / 1000) * 1000 - 40_000;
    ['a', 'b', 'c', 'd'].forEach((line, i) => writer.write(line, { ts: new Date(base + i * 2_000 + 250) }));
    const live = open(selector({ query: name, sinceTime: new Date(base - 1_000).toISOString() }));
    await live.waitFor((s) => s.records.length === 4);
    const tail = await collectBacklog(source.backlog(selector({ query: name }), { tail: 2 }, ctxFor()));
    expect(tail.targets).toEqual([{ namespace: '', pod: '', container: name, node: NODE }]);
    expect(tail.records.map(message)).toEqual(['c', 'd']);
    expect(tail.records.map((r) => r.cursor)).toEqual(live.records.slice(2).map((r) => r.cursor));
    // since falls inside a second: journalctl reads whole seconds, the backlog keeps only what is at or after it.
    const since = await collectBacklog(source.backlog(selector({ query: name }), { since: new Date(base + 2_000 + 500) }, ctxFor()));
    expect(since.records.map(message)).toEqual(['c', 'd']);
    const both = await collectBacklog(source.backlog(selector({ query: name }), { since: new Date(base), tail: 1 }, ctxFor()));
    expect(both.records.map(message)).toEqual(['d']);
    // The selector's own window narrows the backlog too.
    const narrowed = await collectBacklog(
      source.backlog(selector({ query: name, untilTime: new Date(base + 3_000).toISOString() }), { tail: 10 }, ctxFor()),
    );
    expect(narrowed.records.map(message)).toEqual(['a', 'b']);
  });

  it('is empty without tail or since, and for tail 0', async () => {
    const name = unit('empty');
    journal(name).write('x', { ts: ago(1_000) });
    expect((await collectBacklog(source.backlog(selector({ query: name }), {}, ctxFor()))).records).toEqual([]);
    expect((await collectBacklog(source.backlog(selector({ query: name }), { tail: 0 }, ctxFor()))).records).toEqual([]);
  });
});

describe('node-logs: files under /var/log', () => {
  it('follows a file query: lines appended after the start, and the tail as backlog', async () => {
    const path = `tailgate/${unit('app')}.log`;
    ctx.kubelet.nodeLogs.file(path, 'old 1\nold 2\n');
    const stream = open(selector({ query: path }));
    await stream.waitFor((s) => s.events.length === 1);
    // Let the first (baseline) read happen before appending.
    await waitForRequests(path, 1);
    ctx.kubelet.nodeLogs.file(path, 'old 1\nold 2\nnew 1\nnew 2\n');
    await stream.waitFor((s) => s.records.length === 2);
    expect(stream.records.map((r) => [r.line, r.cursor])).toEqual([
      ['new 1', '000000000002'],
      ['new 2', '000000000003'],
    ]);
    const backlog = await collectBacklog(source.backlog(selector({ query: path }), { tail: 3 }, ctxFor()));
    expect(backlog.records.map((r) => [r.line, r.cursor])).toEqual([
      ['old 2', '000000000001'],
      ['new 1', '000000000002'],
      ['new 2', '000000000003'],
    ]);
  });

  it('follows a service without a journal through its /var/log file, and refuses options for it', async () => {
    const name = unit('filelogger');
    ctx.kubelet.nodeLogs.file(`${name}.log`, 'from the file\n');
    const stream = open(selector({ query: name }));
    await waitForRequests(name, 2);
    ctx.kubelet.nodeLogs.file(`${name}.log`, 'from the file\nappended\n');
    await stream.waitFor((s) => s.records.length === 1);
    expect(stream.records.map((r) => r.line)).toEqual(['appended']);
    const withOptions = open(selector({ query: name, pattern: 'x' }));
    const error = await failure(withOptions);
    expect([error.code, error.message]).toEqual(['invalid_request', MESSAGES.resolvedToFiles]);
  });
});

describe('node-logs: failures are coded errors with our own message', () => {
  it("maps the kubelet's validation errors (400/406) to invalid_request without echoing them", async () => {
    // The schema refuses these; unparsed selectors show what the kubelet does with them.
    const cases: [Partial<NodeLogSelector>, string][] = [
      [{ query: ['kubelet'], boot: 1 }, MESSAGES.invalid],
      [{ query: ['kubelet'], pattern: 'error(?=:)' }, MESSAGES.invalid],
      [{ query: ['kubelet'], sinceTime: 'yesterday' }, MESSAGES.invalid],
      [{ query: ['kubelet'], tailLines: 100_001 }, MESSAGES.invalid],
      [{ query: ['x'.repeat(257)] }, MESSAGES.invalid],
      [{ query: [`tailgate/${unit('absent')}.log`] }, MESSAGES.noFile],
    ];
    for (const [raw, expected] of cases) {
      const error = await failure(open({ node: NODE, ...raw } as NodeLogSelector));
      expect([error.code, error.message, error.details]).toEqual(['invalid_request', expected, { status: expect.any(Number) as number }]);
      expect(error.message).not.toMatch(/Invalid value|must be|statat/);
    }
  });

  it('answers not_found for a node that does not exist', async () => {
    const error = await failure(open({ node: MISSING_NODE, query: ['kubelet'] }));
    expect([error.code, error.message, error.details]).toEqual(['not_found', MESSAGES.noNode, { status: 404 }]);
  });

  it('answers forbidden when the gateway identity lacks get nodes/proxy', async () => {
    const ns = await ctx.fixtures.namespace('tg-nl');
    await ctx.fixtures.createServiceAccount(ns, 'no-proxy');
    const token = await ctx.fixtures.serviceAccountToken(ns, 'no-proxy');
    // It may read node logs in kube-rbac's terms (nodes/log), which does not open the apiserver's proxy.
    await ctx.fixtures.clusterRole(`tg-nl-log-${id}`, [
      { apiGroups: [''], resources: ['nodes/log'], verbs: ['get'], resourceNames: [NODE] },
    ]);
    await ctx.fixtures.clusterRoleBinding(`tg-nl-log-${id}`, `tg-nl-log-${id}`, [serviceAccount(ns, 'no-proxy')]);
    const weak = await createKubeServices({
      connection: { mode: 'explicit', server: ctx.cluster.server, ca: ctx.cluster.ca, token },
      requestTimeoutMs: 10_000,
      podMetadata: { namespaces: [], initialSyncTimeoutMs: 10_000, watchTimeoutSeconds: 300 },
    });
    const error = await failure(open(selector({ query: 'kubelet' }), new NodeLogSource(weak.http, CONFIG)));
    expect([error.code, error.message, error.details]).toEqual(['forbidden', MESSAGES.forbidden, { status: 403 }]);
    // The query is asked when the first page is taken.
    const refused = new NodeLogSource(weak.http, CONFIG).backlog(selector({ query: 'kubelet' }), { tail: 1 }, ctxFor());
    await expect(collectBacklog(refused)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('retries an unreachable kubelet, then gives up with upstream_unavailable', async () => {
    await registerUnreachableNode();
    // Counts requests at the transport seam; each goes to the real apiserver.
    let requests = 0;
    const counting = { stream: (path: string, signal: AbortSignal) => (requests++, kube.http.stream(path, signal)) };
    const error = await failure(open({ node: UNREACHABLE_NODE, query: ['kubelet'] }, new NodeLogSource(counting, CONFIG)));
    expect(error.code).toBe('upstream_unavailable');
    expect(error.message.startsWith(MESSAGES.unavailable)).toBe(true);
    expect(error.details).toEqual({ status: expect.any(Number) as number });
    expect(error.details?.status).toBeGreaterThanOrEqual(500);
    // The first try and CONFIG.retries more.
    expect(requests).toBe(1 + CONFIG.retries);
  });
});

/** Waits until the stand-in has answered `count` queries naming `entry`. */
async function waitForRequests(entry: string, count: number): Promise<void> {
  const seen = () => ctx.kubelet.requests.filter((r) => r.path === '/logs/' && r.query.getAll('query').includes(entry));
  for (let i = 0; i < 200 && seen().length < count; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  await Promise.all(seen().map((r) => r.closed));
  expect(seen().length).toBeGreaterThanOrEqual(count);
}

/** A Node whose kubelet port nobody listens on: the apiserver's proxy cannot reach it. */
async function registerUnreachableNode(): Promise<void> {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
    });
  });
  await ctx.admin.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: UNREACHABLE_NODE } });
  await ctx.admin.patch(`/api/v1/nodes/${UNREACHABLE_NODE}/status`, {
    status: {
      addresses: [{ type: 'InternalIP', address: ctx.cluster.nodeAddress }],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
    },
  });
}
