// Quotas across gateway replicas on one real Redis, through the real socket.io-client: a
// per-user limit holds over both replicas, a killed replica's holdings stop counting once
// they expire, and a closed replica gives its holdings back at once.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import type { SubscribeRequest } from '@tailgate/contracts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { createDemoWorld, DEMO_PODS, type DemoWorld } from '../../apps/gateway/src/demo/demo-world';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { type GatewayProcess, spawnGateway } from '../e2e/support/gateway-process';
import { demoVisibility } from '../e2e/support/demo-visibility';
import { LogClient } from '../e2e/support/log-client';

const holdingTtlMs = 3_000;
const QUOTAS = { user: { maxSubscriptions: 2, subscribesPerMinute: 60_000 }, holdingTtlMs };
const source = 'node-file.pods';
const selectors = {
  checkout: { namespace: 'team-a', pod: 'checkout-api' },
  checkoutApi: { namespace: 'team-a', pod: 'checkout-api', container: 'api' },
  teamA: { namespace: 'team-a' },
  teamB: { namespace: 'team-b' },
  web: { namespace: 'team-b', pod: 'web-frontend' },
  search: { namespace: 'team-b', pod: 'search-indexer' },
};
const overLimit = {
  ok: false,
  error: {
    code: 'quota_exceeded',
    message: 'quota exceeded: at most 2 concurrent subscriptions per user',
    details: { limit: 'subscriptions', scope: 'user', max: 2 },
  },
};

describe('quotas across replicas on one Redis', () => {
  let dir: string;
  let world: DemoWorld;
  let a: RunningGateway;
  let b: RunningGateway;
  let killed: GatewayProcess | undefined;
  const clients: LogClient[] = [];
  const connect = async (url: string, user: string) => {
    const client = await LogClient.connect(url, { token: world.tokens[user], sees: demoVisibility(user, () => DEMO_PODS) });
    clients.push(client);
    return client;
  };
  const subscribe = (client: LogClient, selector: SubscribeRequest['selector']) => client.subscribe({ source, selector });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tailgate-quotas-'));
    const demo = createDemoWorld(dir, { port: 0, redisUrl: inject('redisUrl'), quotas: QUOTAS, logLevel: 'warn' });
    const keyPrefix = `test:quotas-replicas:${randomUUID().slice(0, 8)}:`;
    world = { ...demo, config: { ...demo.config, redis: { ...demo.config.redis, keyPrefix } } };
    const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
    const start = () => startGateway({ config: world.config, logDestination: silent });
    [a, b] = await Promise.all([start(), start()]);
    killed = await spawnGateway(world.config, dir, 'killed');
  }, 90_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    killed?.kill('SIGKILL');
    await Promise.all([a.close(), b.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("holds one user's limit across both replicas", async () => {
    const [onA, onB] = [await connect(a.url, 'alice'), await connect(b.url, 'alice')];
    const first = await subscribe(onA, selectors.checkout);
    expect(first.ok).toBe(true);
    expect((await subscribe(onB, selectors.checkout)).ok).toBe(true);
    expect(await subscribe(onA, selectors.teamA)).toEqual(overLimit);
    expect(await subscribe(onB, selectors.teamA)).toEqual(overLimit);
    expect(await onA.emitRaw('unsubscribe', { id: first.ok ? first.id : '' })).toEqual({ ok: true });
    await expect.poll(async () => (await subscribe(onB, selectors.teamA)).ok, { timeout: 5_000 }).toBe(true);
    expect(await subscribe(onA, selectors.checkoutApi)).toEqual(overLimit);
  });

  it("stops counting a killed replica's holdings once they expire", async () => {
    const replica = killed!;
    const onKilled = await connect(replica.url, 'carol');
    expect((await subscribe(onKilled, selectors.checkout)).ok).toBe(true);
    expect((await subscribe(onKilled, selectors.checkoutApi)).ok).toBe(true);
    const onA = await connect(a.url, 'carol');
    expect(await subscribe(onA, selectors.teamA)).toEqual(overLimit);

    replica.kill('SIGKILL');
    await replica.exited;
    const killedAt = Date.now();
    // Nobody gave them back: they still count until they expire.
    expect(await subscribe(onA, selectors.teamA)).toEqual(overLimit);
    await expect.poll(async () => (await subscribe(onA, selectors.teamA)).ok, { timeout: holdingTtlMs + 5_000, interval: 100 }).toBe(true);
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual((holdingTtlMs * 2) / 3 - 100);
    expect((await subscribe(onA, selectors.checkout)).ok).toBe(true);
    expect(await subscribe(onA, selectors.checkoutApi)).toEqual(overLimit);
  });

  it('gives back the holdings of a replica that closes, without waiting for them to expire', async () => {
    const onB = await connect(b.url, 'bob');
    expect((await subscribe(onB, selectors.web)).ok).toBe(true);
    expect((await subscribe(onB, selectors.search)).ok).toBe(true);
    const onA = await connect(a.url, 'bob');
    expect(await subscribe(onA, selectors.teamB)).toEqual(overLimit);
    await b.close();
    expect((await subscribe(onA, selectors.teamB)).ok).toBe(true);
    expect((await subscribe(onA, selectors.web)).ok).toBe(true);
    expect(await subscribe(onA, selectors.search)).toEqual(overLimit);
  });
});
