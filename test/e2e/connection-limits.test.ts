// Connection limits with their documented defaults (and one raised to isolate another): a burst
// of bad-token connections from one address, and one user opening hundreds of connections, are
// refused with rate_limited beyond the limits, counted, and logged without the token.
import { ConnectionsConfigSchema } from '@tailgate/config';
import { afterEach, describe, expect, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { LogClient, SEES_EVERYTHING } from './support/log-client';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

const DEFAULTS = ConnectionsConfigSchema.parse({});

/** Opens `count` connections at once; resolves with the clients that got in and the codes of the others. */
async function connectMany(url: string, tokens: readonly string[]): Promise<{ clients: LogClient[]; codes: string[] }> {
  const outcomes = await Promise.allSettled(tokens.map((token) => LogClient.connect(url, { token, sees: SEES_EVERYTHING })));
  const clients = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const codes = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as { data?: { code?: string } }).data?.code ?? 'none'] : []));
  return { clients, codes };
}

/** `total` connection attempts spread evenly over `ms`, in ten waves. */
async function overTime(ms: number, total: number, attempt: (i: number) => string, url: string): Promise<string[]> {
  const waves = 10;
  const pending: Promise<{ clients: LogClient[]; codes: string[] }>[] = [];
  for (let wave = 0; wave < waves; wave++) {
    const tokens = Array.from({ length: total / waves }, (_, i) => attempt(wave * (total / waves) + i));
    pending.push(connectMany(url, tokens));
    await new Promise((resolve) => setTimeout(resolve, ms / waves));
  }
  const results = await Promise.all(pending);
  for (const { clients } of results) for (const client of clients) client.close();
  return results.flatMap((r) => [...r.codes, ...r.clients.map(() => 'connected')]);
}

const count = (codes: readonly string[], code: string) => codes.filter((c) => c === code).length;

describe('connection limits', () => {
  let demo: DemoGateway;
  const clients: LogClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await demo.stop();
  });

  it('refuses 300 connections with one bad token in 2 s beyond the limits, asking the authenticator only its burst', async () => {
    demo = await startDemoGateway(DEMO_PODS);
    const codes = await overTime(2_000, 300, () => 'stolen-or-guessed-token', demo.gateway.url);
    expect(count(codes, 'connected')).toBe(0);
    expect(count(codes, 'unauthenticated')).toBe(DEFAULTS.failuresPerCredentialBurst);
    expect(count(codes, 'rate_limited')).toBe(300 - DEFAULTS.failuresPerCredentialBurst);
    expect(await demo.metric('tailgate_auth_failures_total', 'reason="rejected"')).toBe(DEFAULTS.failuresPerCredentialBurst);
    expect(await demo.metric('tailgate_connections_refused_total', 'reason="credential_rate"')).toBeGreaterThan(0);
    expect(await demo.metric('tailgate_connections_refused_total', 'reason="address_rate"')).toBeGreaterThan(0);
    const log = demo.log();
    expect(log).toContain('connection refused: authentication failed');
    expect(log).toContain('"reason":"credential_rate"');
    expect(log).not.toContain('stolen-or-guessed-token');
  });

  it('refuses 300 connections with distinct bad tokens in 2 s beyond the per-address rate', async () => {
    demo = await startDemoGateway(DEMO_PODS);
    const codes = await overTime(2_000, 300, (i) => `guess-${i}`, demo.gateway.url);
    const perTwoSeconds = DEFAULTS.perAddressBurst + Math.ceil((DEFAULTS.perAddressPerMinute / 60) * 2.5);
    expect(count(codes, 'connected')).toBe(0);
    expect(count(codes, 'unauthenticated')).toBeLessThanOrEqual(perTwoSeconds);
    expect(count(codes, 'rate_limited')).toBeGreaterThanOrEqual(300 - perTwoSeconds);
    expect(count(codes, 'unauthenticated') + count(codes, 'rate_limited')).toBe(300);
    expect(demo.log()).toContain('"reason":"address_rate"');
    expect(demo.log()).not.toContain('guess-1');
  });

  it('serves at most maxPerUser of 500 parallel connections of one user', async () => {
    demo = await startDemoGateway(DEMO_PODS);
    const { clients: admitted, codes } = await connectMany(demo.gateway.url, Array(500).fill(demo.world.tokens.alice));
    clients.push(...admitted);
    expect(admitted).toHaveLength(DEFAULTS.maxPerUser);
    expect(count(codes, 'rate_limited')).toBe(500 - DEFAULTS.maxPerUser);
  });

  it('gives a user a slot back when one of its connections closes, and never counts it against another user', async () => {
    demo = await startDemoGateway(DEMO_PODS, undefined, {}, undefined, { connections: { perAddressBurst: 10_000 } });
    const { clients: admitted, codes } = await connectMany(demo.gateway.url, Array(500).fill(demo.world.tokens.alice));
    clients.push(...admitted);
    expect(admitted).toHaveLength(DEFAULTS.maxPerUser);
    expect(count(codes, 'rate_limited')).toBe(500 - DEFAULTS.maxPerUser);
    expect(await demo.metric('tailgate_connections_refused_total', 'reason="user_connections"')).toBe(500 - DEFAULTS.maxPerUser);
    clients.push(await demo.connect('bob'));
    const leaving = admitted.slice(0, 5);
    const closed = Promise.all(leaving.map((client) => new Promise((resolve) => client.socket.once('disconnect', resolve))));
    for (const client of leaving) client.close();
    await closed;
    const again = await retryUntilConnected(demo, 5);
    clients.push(...again);
    expect((await connectMany(demo.gateway.url, [demo.world.tokens.alice as string])).codes).toEqual(['rate_limited']);
  });
});

/** Connects `count` more alice clients, retrying while the server has not yet seen the earlier ones close. */
async function retryUntilConnected(demo: DemoGateway, count: number): Promise<LogClient[]> {
  const connected: LogClient[] = [];
  const deadline = Date.now() + 5_000;
  while (connected.length < count && Date.now() < deadline) {
    const { clients } = await connectMany(demo.gateway.url, [demo.world.tokens.alice as string]);
    connected.push(...clients);
  }
  expect(connected).toHaveLength(count);
  return connected;
}
