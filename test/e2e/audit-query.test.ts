// GET /audit/events end to end (issue 16 item 4): on the demo world with the audit trail on and
// team-b (bob) as the administrators, the endpoint answers "who read pod X between T1 and T2"
// from the recorded events, filters and bounds its answers, refuses everyone else (401, 403,
// 404 when the query is off) and never answers a token or a log line.
import type { AuditEvent, AuditEventList } from '@tailgate/audit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

const CHECKOUT = { source: 'node-file.pods', selector: { namespace: 'team-a', pod: 'checkout-api' } };
const LINE = 'a line that must not reach the audit query';

const momentOf = (event: AuditEvent) => event.annotations?.['tailgate.dev/event'];
const summary = (event: AuditEvent) => `${event.user.username ?? '-'} ${momentOf(event)} ${event.objectRef?.name ?? '-'}`;

/** Returns once the clock has moved past `t`, so events before and after a bound cannot share its millisecond. */
async function clockPast(t: number): Promise<void> {
  while (Date.now() <= t) await new Promise((resolve) => setImmediate(resolve));
}

// In one process the events are kept in a ring; on Redis in the Stream every replica shares.
describe.each([
  ['in memory', () => undefined],
  ['on Redis', () => inject('redisUrl')],
])('audit query, events kept %s', (_, redisUrl) => {
  let demo: DemoGateway;

  beforeAll(async () => {
    const audit = { enabled: true, file: { path: '/dev/null' }, queue: { maxBatchWaitMs: 20 }, query: { groups: ['team-b'] } };
    demo = await startDemoGateway(DEMO_PODS, redisUrl(), {}, undefined, { audit });
  });
  afterAll(async () => {
    await demo.stop();
  });

  async function query(params: string, user: string | null = 'bob'): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = user === null ? {} : { authorization: `Bearer ${demo.world.tokens[user]}` };
    const response = await fetch(`${demo.gateway.url}/audit/events${params}`, { headers });
    return { status: response.status, text: await response.text() };
  }
  const events = async (params: string) => {
    const answer = await query(params);
    expect(answer.status).toBe(200);
    const list = JSON.parse(answer.text) as AuditEventList;
    expect(list).toMatchObject({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1' });
    return list.items;
  };

  /** One read of checkout-api by `user`: subscribe, a line, unsubscribe; returns once its end is recorded. */
  async function readCheckout(user: string): Promise<void> {
    const client = await demo.connect(user);
    const sub = await client.subscribe(CHECKOUT);
    if (!sub.ok) throw new Error(`${user} could not subscribe`);
    await client.waitFor(() => client.targets.length === 1, `${user}'s target`);
    await demo.writers.get('checkout-api')!.write(LINE);
    await client.waitFor(() => client.lines().includes(LINE), `${user}'s line`);
    await client.emitRaw('unsubscribe', { id: sub.id });
    await expect
      .poll(async () => (await events(`?user=${user}&pod=checkout-api`)).filter((e) => momentOf(e) === 'stream-end').length)
      .toBeGreaterThan(0);
    client.close();
  }

  it('answers who read pod X between T1 and T2', async () => {
    await readCheckout('carol'); // before T1
    const t1 = Date.now();
    await clockPast(t1);
    await readCheckout('alice');
    const t2 = Date.now();
    await clockPast(t2);
    await readCheckout('carol'); // after T2

    const between = await events(`?pod=checkout-api&since=${new Date(t1).toISOString()}&until=${new Date(t2).toISOString()}`);
    expect(between.map(summary)).toEqual(['alice subscribe checkout-api', 'alice decision checkout-api', 'alice stream-end checkout-api']);
    expect(new Set(between.map((e) => e.auditID)).size).toBe(1);
    expect(between[1]?.annotations?.['tailgate.dev/decision']).toBe('allow');
    // Items of an EventList carry no kind or apiVersion, as the apiserver writes them.
    expect(between[0]).not.toHaveProperty('kind');
  });

  it('filters by user and namespace, bounds the answer to the newest `limit`, and refuses a limit past 1000', async () => {
    const carols = await events('?user=carol&namespace=team-a');
    expect(carols.length).toBe(6);
    expect(carols.every((e) => e.user.username === 'carol')).toBe(true);
    expect(await events('?namespace=team-b')).toEqual([]);
    const newest = await events('?limit=2');
    expect(newest.map(summary)).toEqual((await events('')).slice(-2).map(summary));
    expect((await query('?limit=1001')).status).toBe(400);
    expect((await query('?since=yesterday')).status).toBe(400);
    expect((await query('?pod=a&pod=b')).status).toBe(400);
  });

  it('refuses a missing or invalid token (401) and a user outside audit.query.groups (403)', async () => {
    const none = await query('', null);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text)).toMatchObject({ kind: 'Status', code: 401, reason: 'Unauthorized' });
    const bad = await fetch(`${demo.gateway.url}/audit/events`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer');
    const alice = await query('', 'alice');
    expect(alice.status).toBe(403);
    expect(JSON.parse(alice.text)).toMatchObject({ kind: 'Status', code: 403, reason: 'Forbidden' });
  });

  it('answers neither tokens nor log lines', async () => {
    const { text } = await query('?limit=1000');
    expect(text).toContain('checkout-api');
    for (const secret of [...Object.values(demo.world.tokens), LINE]) expect(text).not.toContain(secret);
    expect(demo.log()).not.toContain(demo.world.tokens.bob);
  });
});

describe('audit query, off', () => {
  it('is 404 while audit.query.groups is empty', async () => {
    const demo = await startDemoGateway(DEMO_PODS, undefined, {}, undefined, { audit: { enabled: true, file: { path: '/dev/null' } } });
    try {
      const response = await fetch(`${demo.gateway.url}/audit/events`, {
        headers: { authorization: `Bearer ${demo.world.tokens.bob}` },
      });
      expect(response.status).toBe(404);
    } finally {
      await demo.stop();
    }
  });
});
