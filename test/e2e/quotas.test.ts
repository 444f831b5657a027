// Quotas end to end on the demo gateway through the real socket.io-client: a subscription past
// a limit is refused with quota_exceeded before any upstream starts, and slots come back on
// unsubscribe and on disconnect, exactly once; the subscribe rate refuses, then recovers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import type { LogClient } from './support/log-client';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

// Demo users: alice and carol are in group team-a (tenant `a`), bob in team-b.
const QUOTAS = {
  tenantFrom: { kind: 'group-prefix', prefix: 'team-' },
  user: { maxSubscriptions: 2, maxStreams: 2, subscribesPerMinute: 6_000 },
  tenant: { maxStreams: 3 },
  users: { carol: { maxSubscriptions: 10 }, bob: { subscribesPerMinute: 60, subscribeBurst: 3 } },
};

const source = 'node-file.pods';
const CHECKOUT = { source, selector: { namespace: 'team-a', pod: 'checkout-api' } };
const PAYMENTS = { source, selector: { namespace: 'team-a', pod: 'payments-worker' } };
const CHECKOUT_API = { source, selector: { namespace: 'team-a', pod: 'checkout-api', container: 'api' } };
const TEAM_A = { source, selector: { namespace: 'team-a' } };
const API_CONTAINERS = { source, selector: { namespace: 'team-a', container: 'api' } };

describe('quotas', () => {
  let demo: DemoGateway;
  let clients: LogClient[] = [];
  const connect = async (user: string) => {
    const client = await demo.connect(user);
    clients.push(client);
    return client;
  };
  const refusal = (limit: string, scope: string, max: number, message: string) => ({
    ok: false,
    error: { code: 'quota_exceeded', message, details: { limit, scope, max } },
  });
  const listeners = () => demo.metric('tailgate_listeners_active');

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS, undefined, {}, QUOTAS);
  });
  afterEach(async () => {
    for (const client of clients) client.close();
    clients = [];
    await expect.poll(listeners, { timeout: 5_000 }).toBe(0);
  });
  afterAll(async () => {
    await demo.stop();
  });

  it('refuses the subscription past maxSubscriptions before its upstream starts, and reuses slots freed by unsubscribe and disconnect', async () => {
    const [first, second, third] = [await connect('alice'), await connect('alice'), await connect('alice')];
    const ack = await first.subscribe(CHECKOUT);
    expect(ack.ok).toBe(true);
    expect((await second.subscribe(CHECKOUT)).ok).toBe(true);
    const opened = await demo.metric('tailgate_upstreams_opened_total', `source="${source}"`);

    const overLimit = refusal('subscriptions', 'user', 2, 'quota exceeded: at most 2 concurrent subscriptions per user');
    expect(await third.subscribe(PAYMENTS)).toEqual(overLimit);
    expect(await third.subscribe(CHECKOUT)).toEqual(overLimit);
    expect(await demo.metric('tailgate_upstreams_opened_total', `source="${source}"`)).toBe(opened);
    expect(await demo.metric('tailgate_quota_refusals_total', 'limit="subscriptions",scope="user"')).toBe(2);

    expect(await first.emitRaw('unsubscribe', { id: ack.ok ? ack.id : '' })).toEqual({ ok: true });
    expect((await third.subscribe(PAYMENTS)).ok).toBe(true);
    await third.waitFor(() => third.targets.length === 1, 'the payments target');
    expect(await demo.metric('tailgate_upstreams_opened_total', `source="${source}"`)).toBe(opened + 1);
    expect(await third.subscribe(CHECKOUT)).toEqual(overLimit);

    second.close();
    await expect.poll(listeners, { timeout: 5_000 }).toBe(1);
    expect((await first.subscribe(CHECKOUT)).ok).toBe(true);
    // The disconnect gave back exactly one slot: alice holds two again.
    expect(await (await connect('alice')).subscribe(TEAM_A)).toEqual(overLimit);
  });

  it('gives the slot of a subscription back when it ends', async () => {
    const client = await connect('alice');
    await demo.writers.get('checkout-api')!.write('one line');
    expect((await client.subscribe({ ...CHECKOUT, tail: 1, follow: false })).ok).toBe(true);
    await client.waitFor(() => client.ended.length === 1, 'the end of the backlog');
    expect((await client.subscribe(CHECKOUT_API)).ok).toBe(true);
    expect((await client.subscribe(TEAM_A)).ok).toBe(true);
    expect(await client.subscribe(PAYMENTS)).toMatchObject({ ok: false, error: { code: 'quota_exceeded' } });
  });

  it('counts a stream once however many subscriptions share it, and refuses a new one past maxStreams', async () => {
    const [first, second] = [await connect('carol'), await connect('carol')];
    expect((await first.subscribe(CHECKOUT)).ok).toBe(true);
    expect((await first.subscribe(CHECKOUT_API)).ok).toBe(true);
    expect(await first.subscribe(TEAM_A)).toEqual(refusal('streams', 'user', 2, 'quota exceeded: at most 2 distinct streams per user'));
    expect((await second.subscribe(CHECKOUT)).ok).toBe(true);
    expect((await second.subscribe(CHECKOUT_API)).ok).toBe(true);
  });

  it("refuses a new stream past the tenant's maxStreams, counted over all its users", async () => {
    const [carol, alice] = [await connect('carol'), await connect('alice')];
    expect((await carol.subscribe(CHECKOUT)).ok).toBe(true);
    expect((await carol.subscribe(CHECKOUT_API)).ok).toBe(true);
    expect((await alice.subscribe(TEAM_A)).ok).toBe(true);
    expect(await alice.subscribe(API_CONTAINERS)).toEqual(
      refusal('streams', 'tenant', 3, 'quota exceeded: at most 3 distinct streams per tenant'),
    );
    expect((await alice.subscribe(CHECKOUT)).ok).toBe(true);
  });

  it('refuses subscribe requests past the rate, counting refused ones, and lets them through after retryAfterMs', async () => {
    const bob = await connect('bob');
    // Malformed requests count too.
    for (let i = 0; i < 3; i++) {
      expect(await bob.emitRaw('subscribe', { source: 'no-such.source' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    const refused = async () => {
      const ack = await bob.subscribe({ source, selector: { namespace: 'team-b' } });
      expect(ack).toMatchObject({
        ok: false,
        error: { code: 'quota_exceeded', details: { limit: 'subscribeRate', scope: 'user', max: 60 } },
      });
      const { retryAfterMs } = (ack.ok ? {} : ack.error.details) as { retryAfterMs: number };
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(1_000);
      return retryAfterMs;
    };
    await refused();
    // Hammering gets nowhere: each refused request takes what had refilled.
    const retryAfterMs = await refused();
    await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
    expect((await bob.subscribe({ source, selector: { namespace: 'team-b' } })).ok).toBe(true);
    expect(await demo.metric('tailgate_quota_refusals_total', 'limit="subscribeRate",scope="user"')).toBe(2);
  });
});
