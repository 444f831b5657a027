// Node Log Query through the real gateway, with real ServiceAccount tokens, kube-rbac's
// SubjectAccessReviews and socket.io-client: who may read a node's journal (nodes/log, or
// nodes/proxy), who is refused at subscribe, what an invalid query is told, and tail and since.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningGateway } from '../../apps/gateway/src/start-gateway';
import { serviceAccount, suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { LogClient, seesTargets } from '../e2e/support/log-client';
import { startClusterGateway } from './src/cluster-gateway';
import { grantGatewayIdentity } from './src/gateway-kube';

const id = suffix();
const NODE = `tg-nlg-${id}`;
const SOURCE = 'node-logs.query';

let ctx: ClusterTestContext;
let gateway: RunningGateway;
const tokens: Record<'proxy' | 'log' | 'otherNode' | 'nobody', string> = { proxy: '', log: '', otherNode: '', nobody: '' };
const clients: LogClient[] = [];

const unit = (name: string) => `${name}-${suffix()}`;
const ago = (ms: number) => new Date(Date.now() - ms);

async function connect(who: keyof typeof tokens): Promise<LogClient> {
  const client = await LogClient.connect(gateway.url, {
    token: tokens[who],
    // proxy and log may read this node's own logs; the others may read nothing.
    sees: who === 'proxy' || who === 'log' ? seesTargets((t) => t.node === NODE) : seesTargets(() => false),
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  ctx = await connectToTestCluster(NODE);
  await grantGatewayIdentity(ctx);
  const rule = (subresource: string, node: string) => [
    { apiGroups: [''], resources: [`nodes/${subresource}`], verbs: ['get'], resourceNames: [node] },
  ];
  // The gateway proxies Node Log Query as itself: it needs get nodes/proxy (here on this node only).
  await ctx.fixtures.clusterRole(`tg-nlg-gw-${id}`, rule('proxy', NODE));
  await ctx.fixtures.clusterRoleBinding(`tg-nlg-gw-${id}`, `tg-nlg-gw-${id}`, [user('tailgate-gateway')]);
  // Users are ServiceAccounts of a fresh namespace: no other suite's grants can reach them.
  const ns = await ctx.fixtures.namespace('tg-nlg');
  const grants: [keyof typeof tokens, string, string][] = [
    ['proxy', 'proxy', NODE],
    ['log', 'log', NODE],
    ['otherNode', 'log', 'some-other-node'],
  ];
  for (const [who, subresource, node] of grants) {
    await ctx.fixtures.createServiceAccount(ns, who.toLowerCase());
    await ctx.fixtures.clusterRole(`tg-nlg-${who.toLowerCase()}-${id}`, rule(subresource, node));
    await ctx.fixtures.clusterRoleBinding(`tg-nlg-${who.toLowerCase()}-${id}`, `tg-nlg-${who.toLowerCase()}-${id}`, [
      serviceAccount(ns, who.toLowerCase()),
    ]);
  }
  await ctx.fixtures.createServiceAccount(ns, 'nobody');
  for (const who of Object.keys(tokens) as (keyof typeof tokens)[])
    tokens[who] = await ctx.fixtures.serviceAccountToken(ns, who.toLowerCase());

  gateway = await startClusterGateway(ctx, { plugins: { 'node-logs': { pollIntervalMs: 200, retries: 1, retryDelayMs: 50 } } });
});

afterAll(async () => {
  for (const client of clients) client.close();
  await gateway?.close();
  await ctx?.stop();
});

describe('node-logs through the gateway', () => {
  it.each([
    ['get nodes/proxy', 'proxy'],
    ['get nodes/log (kube-rbac tries it first)', 'log'],
  ] as const)('follows a unit for a user allowed %s, lines written after subscribing included', async (_, who) => {
    const name = unit('kubelet');
    const journal = ctx.kubelet.nodeLogs.service(name);
    journal.write('before subscribing', { ts: ago(60_000) });
    const client = await connect(who);
    const ack = await client.subscribe({ source: SOURCE, selector: { node: NODE, query: name } });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    if (!ack.ok) return;
    expect(ack.scope).toEqual([{ node: NODE }]);
    const target = { ns: '', pod: '', container: name, node: NODE };
    await client.waitFor(() => client.targets.length === 1, 'the node target');
    expect(client.targets[0]).toEqual({ sub: ack.id, op: 'added', target });
    journal.write('after subscribing 1');
    journal.write('after subscribing 2');
    await client.waitFor(() => client.records.length === 2, 'both live lines');
    journal.write('a poll later');
    await client.waitFor(() => client.records.length === 3, 'the third line');
    expect(client.lines()).toEqual(['after subscribing 1', 'after subscribing 2', 'a poll later']);
    expect(client.records[0]).toMatchObject({ ...target, stream: 'stdout' });
    expect(client.denied).toEqual([]);
  });

  it.each([
    ['without any grant', 'nobody'],
    ['with nodes/log on another node only', 'otherNode'],
  ] as const)('refuses a user %s at subscribe with forbidden', async (_, who) => {
    const client = await connect(who);
    const ack = await client.subscribe({ source: SOURCE, selector: { node: NODE, query: 'kubelet' } });
    expect(ack).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'not allowed to read the logs this subscription asks for' },
    });
  });

  it.each([
    [{ query: ['a', 'b', 'c', 'd', 'e'] }, 'query', 'query names at most 4 services'],
    [
      { query: 'pods/audit.log', tailLines: 10 },
      'query',
      'a file query takes no options: pattern, boot, sinceTime, untilTime and tailLines apply to services only',
    ],
    [{ query: 'kubelet', pattern: 'error(?=:)' }, 'pattern', 'pattern: lookahead and lookbehind are not supported (Go RE2 syntax)'],
    [{ query: 'kubelet', pattern: 'sync (error' }, 'pattern', 'pattern: not a valid regular expression (Unterminated group)'],
    [
      { query: 'kubelet', sinceTime: '2024-05-01T10:00:05Z', untilTime: '2024-05-01T10:00:00Z' },
      'untilTime',
      'untilTime must not be before sinceTime',
    ],
    [{ query: 'kubelet', boot: 1 }, 'boot', 'boot is 0 (the current boot) or negative (earlier boots)'],
  ])('answers invalid_request for %j before asking the kubelet', async (selector, path, message) => {
    const client = await connect('proxy');
    // Other tests' streams keep polling their own units meanwhile: count only queries for this one.
    const asked = () => ctx.kubelet.requests.filter((r) => r.query.getAll('query').join(',') === [selector.query].flat().join(',')).length;
    const before = asked();
    const ack = await client.subscribe({ source: SOURCE, selector: { node: NODE, ...selector } });
    expect(ack.ok).toBe(false);
    if (ack.ok) return;
    expect(ack.error.code).toBe('invalid_request');
    expect(ack.error.details).toEqual({ issues: [{ path, message }] });
    expect(asked()).toBe(before);
  });

  it('gives the last `tail` lines, or the lines since an instant, without following when asked not to', async () => {
    const name = unit('history');
    const journal = ctx.kubelet.nodeLogs.service(name);
    ['one', 'two', 'three', 'four'].forEach((line, i) => journal.write(line, { ts: ago(40_000 - i * 5_000) }));
    const tailClient = await connect('proxy');
    const tail = await tailClient.subscribe({ source: SOURCE, selector: { node: NODE, query: name }, tail: 2, follow: false });
    expect(tail.ok, JSON.stringify(tail)).toBe(true);
    await tailClient.waitFor(() => tailClient.ended.length === 1, 'the end of the tail');
    expect(tailClient.lines()).toEqual(['three', 'four']);
    expect(tailClient.ended[0]!.reason).toBe('complete');

    const sinceClient = await connect('log');
    const since = await sinceClient.subscribe({
      source: SOURCE,
      selector: { node: NODE, query: name },
      since: ago(32_000).toISOString(),
      follow: false,
    });
    expect(since.ok, JSON.stringify(since)).toBe(true);
    await sinceClient.waitFor(() => sinceClient.ended.length === 1, 'the end of the since backlog');
    expect(sinceClient.lines()).toEqual(['three', 'four']);
  });

  it('continues a tail with the live lines, each once', async () => {
    const name = unit('tail-follow');
    const journal = ctx.kubelet.nodeLogs.service(name);
    ['old 1', 'old 2', 'old 3'].forEach((line, i) => journal.write(line, { ts: ago(10_000 - i * 1_000) }));
    const client = await connect('proxy');
    const ack = await client.subscribe({ source: SOURCE, selector: { node: NODE, query: name }, tail: 2 });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    await client.waitFor(() => client.records.length === 2, 'the tail');
    journal.write('new 1');
    await client.waitFor(() => client.records.length === 3, 'the live line');
    // Another poll that sees the same second must not repeat anything.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(client.lines()).toEqual(['old 2', 'old 3', 'new 1']);
  });

  it('resumes a reconnecting client of this source, which cannot read back, from the replay buffer: what it missed, once', async () => {
    const name = unit('resume');
    const journal = ctx.kubelet.nodeLogs.service(name);
    journal.write('before', { ts: ago(30_000) });
    const selector = { node: NODE, query: name };
    // Someone keeps the stream running while the other client is away.
    const keeper = await connect('proxy');
    expect((await keeper.subscribe({ source: SOURCE, selector })).ok).toBe(true);
    const away = await connect('log');
    expect((await away.subscribe({ source: SOURCE, selector })).ok).toBe(true);
    journal.write('seen 1');
    journal.write('seen 2');
    await away.waitFor(() => away.records.length === 2, 'the lines before leaving');
    const last = away.records[1]!.cursor;
    away.close();
    journal.write('missed 1');
    journal.write('missed 2');
    await keeper.waitFor(() => keeper.records.length === 4, 'the lines written while the other was away');

    const back = await connect('log');
    const ack = await back.subscribe({ source: SOURCE, selector, resume: last });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    await back.waitFor(() => back.records.length === 2, 'what it missed');
    journal.write('live');
    await back.waitFor(() => back.records.length === 3, 'the live line');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(back.lines()).toEqual(['missed 1', 'missed 2', 'live']);
    expect(back.gaps).toEqual([]);

    // The cursor of a line from before the stream started (read with a one-off tail): the buffer
    // cannot say what followed it, so a gap comes first, then everything it holds after it.
    const tailClient = await connect('log');
    expect((await tailClient.subscribe({ source: SOURCE, selector, tail: 10, follow: false })).ok).toBe(true);
    await tailClient.waitFor(() => tailClient.ended.length === 1, 'the tail');
    expect(tailClient.lines()[0]).toBe('before');
    const old = await connect('log');
    const oldAck = await old.subscribe({ source: SOURCE, selector, resume: tailClient.records[0]!.cursor });
    expect(oldAck.ok, JSON.stringify(oldAck)).toBe(true);
    await old.waitFor(() => old.records.length === 5, 'what the buffer holds');
    expect(old.gaps).toEqual([{ sub: oldAck.ok ? oldAck.id : '', reason: 'resume_incomplete' }]);
    expect(old.lines()).toEqual(['seen 1', 'seen 2', 'missed 1', 'missed 2', 'live']);
  });
});
