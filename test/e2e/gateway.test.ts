// End to end through the real socket.io-client: per-listener filtering on a shared stream,
// one upstream per stream, bad input — once on the in-process bus and once on real Redis.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { connectError, LogClient } from './support/log-client';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

const ALL = { source: 'node-file.pods', selector: {} };

/** What each demo user may see, by pod name — the demo's policy, stated independently. */
const VISIBLE: Record<string, string[]> = {
  alice: ['checkout-api', 'payments-worker'],
  carol: ['checkout-api'],
  bob: ['web-frontend', 'search-indexer'],
};

describe.each([
  ['in-process bus', () => undefined],
  ['Redis bus', () => inject('redisUrl')],
])('gateway on the %s', (_, redisUrl) => {
  let demo: DemoGateway;
  const clients: LogClient[] = [];
  const connect = async (user: string) => {
    const client = await demo.connect(user);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS, redisUrl());
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await demo.stop();
  });

  it('gives each user on one stream exactly their records, and one denied per other pod', async () => {
    const users = Object.keys(VISIBLE);
    const listeners = await Promise.all(users.map(connect));
    for (const client of listeners) expect((await client.subscribe(ALL)).ok).toBe(true);
    for (const client of listeners) {
      await client.waitFor(
        () => client.targets.length + client.denied.length + client.hidden.length === DEMO_PODS.length,
        'every target announced',
      );
    }
    for (const pod of DEMO_PODS) {
      const writer = demo.writers.get(pod.name)!;
      for (let i = 0; i < 3; i++) await writer.write(`${pod.name} line ${i}`);
    }
    // A last line on every pod: anything leaked would have arrived before it.
    for (const writer of demo.writers.values()) await writer.write('last');
    for (const [i, user] of users.entries()) {
      const client = listeners[i]!;
      const expected = VISIBLE[user]!.flatMap((pod) => [0, 1, 2].map((n) => `${pod} line ${n}`));
      await client.waitFor(() => client.lines().filter((l) => l === 'last').length === VISIBLE[user]!.length, `${user}'s last lines`);
      expect(
        client
          .lines()
          .filter((l) => l !== 'last')
          .sort(),
      ).toEqual(expected.sort());
      expect(new Set(client.records.map((r) => r.pod))).toEqual(new Set(VISIBLE[user]));
      // Named only where the user may list the pods (its team's namespace); elsewhere only counted.
      const team = DEMO_PODS.filter((p) => p.namespace === (user === 'bob' ? 'team-b' : 'team-a'));
      const denied = team.map((p) => p.name).filter((p) => !VISIBLE[user]!.includes(p));
      expect(client.denied.map((d) => d.target.pod).sort()).toEqual(denied.sort());
      const hidden = DEMO_PODS.length - team.length;
      expect(client.hidden.map((h) => h.count)).toEqual(Array.from({ length: hidden }, (_, i) => i + 1));
      expect(client.targets.map((t) => t.target.pod).sort()).toEqual([...VISIBLE[user]!].sort());
      for (const record of client.records) expect(record.cursor).toMatch(/\S/);
    }
  });

  it('shares one running upstream with a listener who joins late, and stops it after the last one leaves', async () => {
    const selector = { namespace: 'team-b', pod: 'search-indexer' };
    const opened = await demo.metric('tailgate_upstreams_opened_total', 'source="node-file.pods"');
    const first = await connect('bob');
    const ack = await first.subscribe({ source: 'node-file.pods', selector });
    await first.waitFor(() => first.targets.length === 1, 'the target');
    await demo.writers.get('search-indexer')!.write('for the first');
    await first.waitFor(() => first.lines().includes('for the first'), 'the first line');

    const late = await connect('bob');
    const lateAck = await late.subscribe({ source: 'node-file.pods', selector, tail: 1 });
    expect(lateAck.ok && ack.ok && lateAck.id).toBe(ack.ok && ack.id);
    await late.waitFor(() => late.lines().includes('for the first'), 'the backlog');
    await demo.writers.get('search-indexer')!.write('for both');
    await late.waitFor(() => late.lines().includes('for both'), 'the shared line');
    await first.waitFor(() => first.lines().includes('for both'), 'the shared line');
    expect(late.lines()).toEqual(['for the first', 'for both']);
    expect(await demo.metric('tailgate_upstreams_opened_total', 'source="node-file.pods"')).toBe(opened + 1);

    const active = await demo.metric('tailgate_upstreams_active');
    expect(await first.emitRaw('unsubscribe', { id: ack.ok ? ack.id : '' })).toEqual({ ok: true });
    late.close();
    await expect.poll(() => demo.metric('tailgate_upstreams_active'), { timeout: 5_000 }).toBe(active - 1);
  });

  it('sends the backlog and then ends a subscription that does not follow', async () => {
    const client = await connect('alice');
    const writer = demo.writers.get('checkout-api')!;
    await writer.write('backlog one');
    await writer.write('backlog two');
    const ack = await client.subscribe({
      source: 'node-file.pods',
      selector: { namespace: 'team-a', pod: 'checkout-api' },
      tail: 2,
      follow: false,
    });
    expect(ack.ok).toBe(true);
    await client.waitFor(() => client.ended.length === 1, 'the end');
    expect(client.lines()).toEqual(['backlog one', 'backlog two']);
    expect(client.ended[0]!.reason).toBe('complete');
  });

  it('refuses a subscription the chain explicitly denies with forbidden', async () => {
    const client = await connect('bob');
    const ack = await client.subscribe({ source: 'node-file.pods', selector: { namespace: 'team-a' } });
    // The allow-list's reason (which names the policy) stays in the server's log.
    expect(ack).toEqual({ ok: false, error: { code: 'forbidden', message: 'not allowed to read the logs this subscription asks for' } });
    expect(demo.log()).toContain('namespace team-a is not in the allow-list');
  });

  it("never sends a forbidden pod's line, cursor or timestamp in a denied event, with or without a backlog", async () => {
    // The README's own example: every pod, a backlog of two lines each. The leak oracle checks every
    // event strictly; before the fix a backlog record was sent as the `target` of `denied`.
    for (const pod of DEMO_PODS) await demo.writers.get(pod.name)!.writeMany([`${pod.name} secret 1`, `${pod.name} secret 2`]);
    for (const user of ['bob', 'carol']) {
      const client = await connect(user);
      expect((await client.subscribe({ source: 'node-file.pods', selector: {}, tail: 2, follow: false })).ok).toBe(true);
      await client.waitFor(() => client.ended.length === 1, `${user}'s backlog`);
      for (const event of client.denied) expect(Object.keys(event.target).sort()).toEqual(['container', 'ns', 'pod']);
      expect(new Set(client.records.map((r) => r.pod))).toEqual(new Set(VISIBLE[user]));
      expect(client.violations).toEqual([]);
    }
  });

  it('names a denied pod to a user who may list its namespace, and nothing of it to one who may not', async () => {
    const bob = await connect('bob');
    expect((await bob.subscribe({ source: 'node-file.pods', selector: {} })).ok).toBe(true);
    const carol = await connect('carol');
    expect((await carol.subscribe({ source: 'node-file.pods', selector: { namespace: 'team-a' } })).ok).toBe(true);
    await carol.waitFor(() => carol.targets.length + carol.denied.length === 2, "carol's targets");
    // carol may list team-a (the allow-list), so she is told which pod she may not read, and no more.
    expect(carol.denied.map(({ target, reason }) => ({ target, reason }))).toEqual([
      { target: { ns: 'team-a', pod: 'payments-worker', container: 'worker' }, reason: 'forbidden' },
    ]);
    await bob.waitFor(() => bob.hidden.length === 2, "bob's hidden count");
    expect(bob.denied).toEqual([]);
    expect(bob.hidden.map((h) => h.count)).toEqual([1, 2]);
    // Nothing bob received names team-a or its pods.
    const received = JSON.stringify([bob.targets, bob.denied, bob.hidden, bob.records]);
    for (const name of ['team-a', 'checkout-api', 'payments-worker']) expect(received).not.toContain(name);
  });

  it('answers bad input with invalid_request and keeps the socket usable', async () => {
    const client = await connect('alice');
    const bad: unknown[] = [
      'garbage',
      42,
      null,
      [],
      { source: 7 },
      { source: 'node-file.pods', selector: { namespace: 'Not A Name' } },
      { source: 'node-file.pods', tail: -1 },
      { source: 'node-file.pods', follow: 'yes' },
      { source: 'node-file.pods', extra: true },
      { source: 'node-file.pods', selector: { namespace: 'x'.repeat(100_000) } },
      { source: 'node-file.pods', since: 'yesterday' },
    ];
    for (const payload of bad) {
      const answer = (await client.emitRaw('subscribe', payload)) as { ok: boolean; error?: { code: string } };
      expect(answer.ok, JSON.stringify(payload).slice(0, 60)).toBe(false);
      expect(answer.error?.code, JSON.stringify(payload).slice(0, 60)).toBe('invalid_request');
    }
    expect(await client.emitRaw('unsubscribe', { id: 5 })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await client.emitRaw('unsubscribe', { id: 's_nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await client.emitRaw('subscribe', { source: 'no-such.source' })).toMatchObject({
      ok: false,
      error: { code: 'not_found', details: { source: 'no-such.source' } },
    });
    expect(await client.emitRaw('sources.list', 'garbage')).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    client.emitWithoutAck('subscribe', { source: 'no-such.source' });
    const list = (await client.emitRaw('sources.list', {})) as { ok: boolean; sources: { id: string; selector: object }[] };
    expect(list.ok).toBe(true);
    expect(list.sources.map((s) => s.id)).toEqual(['node-file.pods']);
    expect(list.sources[0]!.selector).toMatchObject({ type: 'object' });
    expect(client.socket.connected).toBe(true);
  });

  it('refuses bad or missing tokens with unauthenticated and never logs a token', async () => {
    for (const options of [{}, { token: 'not-a-token' }, { token: '' }, { headers: { authorization: 'Bearer also-wrong' } }]) {
      const error = await connectError(demo.gateway.url, options);
      expect(error.message).toBe('unauthenticated');
      expect(error.data).toEqual({ code: 'unauthenticated', message: 'a valid bearer token is required' });
    }
    const viaHeader = await LogClient.connect(demo.gateway.url, {
      headers: { authorization: `Bearer ${demo.world.tokens.carol}` },
      sees: demo.sees('carol'),
    });
    clients.push(viaHeader);
    expect((await viaHeader.subscribe({ source: 'node-file.pods', selector: { namespace: 'team-a', pod: 'checkout-api' } })).ok).toBe(true);
    const log = demo.log();
    expect(log).toContain('client connected');
    for (const token of [...Object.values(demo.world.tokens), 'not-a-token', 'also-wrong']) expect(log).not.toContain(token);
    expect(log).not.toContain('before anyone listened');
  });
});

describe('access revoked mid-stream', () => {
  let demo: DemoGateway;
  const clients: LogClient[] = [];

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await demo.stop();
  });

  it('stops delivery to the listener who lost access within one re-check, with a denied event, and to no one else', async () => {
    const selector = { namespace: 'team-a', pod: 'checkout-api' };
    const [alice, carol] = await Promise.all(['alice', 'carol'].map((u) => demo.connect(u)));
    clients.push(alice!, carol!);
    for (const client of [alice!, carol!]) {
      expect((await client.subscribe({ source: 'node-file.pods', selector })).ok).toBe(true);
      await client.waitFor(() => client.targets.length === 1, 'the target');
    }
    const writer = demo.writers.get('checkout-api')!;
    await writer.write('while allowed');
    for (const client of [alice!, carol!]) await client.waitFor(() => client.lines().includes('while allowed'), 'the first line');

    const relabelled = DEMO_PODS.map((p) =>
      p.name === 'checkout-api' ? { ...p, labels: { 'rbac/policy': 'deny', 'rbac/alice': 'allow' } } : p,
    );
    const changedAt = Date.now();
    demo.relabel(relabelled);
    await carol!.waitFor(() => carol!.denied.length === 1, 'the denied event');
    const tookMs = Date.now() - changedAt;
    expect(carol!.denied[0]).toMatchObject({ target: { pod: 'checkout-api' }, reason: 'forbidden' });
    // Bound: the label reload (50 ms) plus one re-check interval (250 ms), with scheduling slack.
    expect(tookMs).toBeLessThan(2_000);

    await writer.write('after the change');
    await alice!.waitFor(() => alice!.lines().includes('after the change'), 'alice still reading');
    await writer.write('sentinel');
    await alice!.waitFor(() => alice!.lines().includes('sentinel'), 'the sentinel');
    expect(carol!.lines()).toEqual(['while allowed']);
    expect(alice!.lines()).toEqual(['while allowed', 'after the change', 'sentinel']);
  });
});
