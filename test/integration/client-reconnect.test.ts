// `@tailgate/client` through real failures, on real Redis: numbered lines are written without a
// pause while the replica a client is on shuts down (SIGTERM) and, later, the one it moved to is
// killed (SIGKILL); a tiny TCP proxy stands in for the Service in front of them. The caller must
// see every line exactly once, in order, and hear `reconnecting`/`resumed` — never the `shutdown`.
// Then a token provider: a revoked token ends the connection, the provider is asked again, and
// the subscription resumes with nothing lost or repeated; a provider with a revoked token ends it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { connect, type TailgateClient, TailgateError } from '@tailgate/client';
import { CriLogWriter } from '@tailgate/cri-logs/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { BUNDLED_PLUGINS } from '../../apps/gateway/src/bundled-plugins';
import { createDemoWorld, type DemoWorld } from '../../apps/gateway/src/demo/demo-world';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { type GatewayProcess, spawnGateway } from '../e2e/support/gateway-process';
import { NumberedLines } from '../e2e/support/numbered-lines';
import { type ReplicaSet, startReplicaSet } from '../e2e/support/replica-set';
import { iterate, SubscriptionRecorder } from '../e2e/support/subscription-recorder';
import { reloadingStaticTokensPlugin } from '../support/reloading-static-tokens';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

const CHECKOUT = { source: 'node-file.pods', selector: { namespace: 'team-a', pod: 'checkout-api' } };
const RECONNECT = { initialDelayMs: 50, maxDelayMs: 400 };
const portOf = (replica: GatewayProcess) => Number(new URL(replica.url).port);

describe('a client through a replica shutdown and a replica crash', () => {
  let set: ReplicaSet;
  let proxy: TcpProxy;
  let dir: string;
  const extra: GatewayProcess[] = [];
  let client: TailgateClient | undefined;

  beforeAll(async () => {
    const streams = { leaseTtlMs: 1_000, demandTtlMs: 3_000, idleGraceMs: 300 };
    set = await startReplicaSet({ replicas: 2, redisUrl: inject('redisUrl'), name: 'client-reconnect', streams });
    proxy = await startTcpProxy(set.replicas.map(portOf));
    dir = mkdtempSync(join(tmpdir(), 'tailgate-client-reconnect-'));
  }, 90_000);
  afterAll(async () => {
    client?.close();
    await proxy?.close();
    for (const replica of extra) replica.kill('SIGKILL');
    await Promise.all(extra.map((replica) => replica.exited));
    await set?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every numbered line exactly once, in order', async () => {
    const [first, second] = set.replicas as [GatewayProcess, GatewayProcess];
    client = await connect({ url: proxy.url, token: set.world.tokens.alice, reconnect: RECONNECT });
    const subscription = await client.subscribe(CHECKOUT);
    const heard = new SubscriptionRecorder(subscription);
    const iterated = iterate(subscription);
    await heard.until(() => heard.of('target').length === 1, 'the target');
    const lines = new NumberedLines(set.writer, 5);
    lines.start();
    await heard.until(() => heard.records().length >= 20, 'the stream under way');
    expect(proxy.forwarded.get(portOf(first))).toBe(1);

    // (a) The replica the client is on shuts down: `shutdown`, a disconnect, a resume on the other.
    first.kill('SIGTERM');
    await heard.until(() => heard.of('resumed').length === 1, 'the first resume');
    expect(await first.exited).toBe(0);
    const afterShutdown = heard.records().length;
    await heard.until(() => heard.records().length >= afterShutdown + 20, 'lines after the shutdown');
    expect(proxy.forwarded.get(portOf(second))).toBe(1);

    // A replica comes back; then the one the client moved to dies without a word.
    const restarted = await spawnGateway(set.world.config, dir, 'replica-restarted');
    extra.push(restarted);
    proxy.setUpstreams([portOf(second), portOf(restarted)]);
    second.kill('SIGKILL');
    await heard.until(() => heard.of('resumed').length === 2, 'the second resume', 15_000);
    const afterCrash = heard.records().length;
    await heard.until(() => heard.records().length >= afterCrash + 20, 'lines after the crash', 15_000);
    expect(proxy.forwarded.get(portOf(restarted))).toBe(1);

    const written = await lines.stop();
    await heard.until(() => heard.records().length >= written.length, 'every line', 15_000);
    await subscription.unsubscribe();

    expect(heard.lines()).toEqual(written);
    expect(heard.of('reconnecting').length).toBeGreaterThanOrEqual(2);
    expect(heard.of('gap')).toEqual([]);
    expect(heard.of('dropped')).toEqual([]);
    // The `shutdown` end was the client's to handle: the caller's only end is its own.
    expect(heard.of('ended')).toEqual([{ type: 'ended', reason: 'unsubscribed' }]);
    expect(await iterated).toEqual(heard.events);
    console.info(`client reconnect: ${written.length} lines, ${heard.of('reconnecting').length} reconnection attempts`);
  }, 60_000);
});

describe('a token provider after a revocation', () => {
  let world: DemoWorld;
  let gateway: RunningGateway;
  let dir: string;
  let client: TailgateClient | undefined;
  let fixed: TailgateClient | undefined;

  const tokenFile = () => join(dir, 'tokens.csv');
  /** Rewrites the token file with only these users' tokens: the others are revoked. */
  const writeTokens = (tokens: { alice?: string; bob?: string }) => {
    const lines = [];
    if (tokens.alice) lines.push(`${tokens.alice},alice,uid-1,"team-a"`);
    if (tokens.bob) lines.push(`${tokens.bob},bob,uid-3,"team-b"`);
    writeFileSync(tokenFile(), `${lines.join('\n')}\n`);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tailgate-client-token-'));
    world = createDemoWorld(dir, {
      port: 0,
      redisUrl: inject('redisUrl'),
      redisKeyPrefix: `test:client-token:${Date.now()}:`,
      nodeFile: { pollIntervalMs: 20, scanIntervalMs: 50 },
      access: { recheckIntervalMs: 200 },
      streams: { idleGraceMs: 300 },
      logLevel: 'warn',
    });
    const bundled = BUNDLED_PLUGINS.map((plugin) => (plugin.id === 'static-tokens' ? reloadingStaticTokensPlugin : plugin));
    gateway = await startGateway({ config: world.config, bundled });
  });
  afterAll(async () => {
    client?.close();
    fixed?.close();
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks the provider again, resumes without a loss or a repeat, and ends with unauthenticated on a revoked token', async () => {
    const renewed = 'renewed-token-for-alice-0123456789';
    let current = world.tokens.alice!;
    const handedOut: string[] = [];
    const provider = () => {
      handedOut.push(current);
      return Promise.resolve(current);
    };
    const writer = new CriLogWriter(world.podsRoot, { namespace: 'team-a', pod: 'checkout-api', container: 'api' });
    client = await connect({ url: gateway.url, token: provider, reconnect: RECONNECT });
    const subscription = await client.subscribe(CHECKOUT);
    const heard = new SubscriptionRecorder(subscription);
    await heard.until(() => heard.of('target').length === 1, 'the target');
    const lines = new NumberedLines(writer, 5);
    lines.start();
    await heard.until(() => heard.records().length >= 10, 'the stream under way');

    // Revoked: the re-check ends the connection with `unauthenticated`; the provider has a new one.
    current = renewed;
    writeTokens({ alice: renewed, bob: world.tokens.bob });
    await heard.until(() => heard.of('resumed').length === 1, 'the resume with the renewed token');
    const resumedAt = heard.records().length;
    await heard.until(() => heard.records().length >= resumedAt + 10, 'lines after the resume');

    // Revoked again, and the provider only has a revoked token: the subscription ends with the error.
    current = 'a-token-nobody-accepts-0123456789';
    writeTokens({});
    const ended = await subscription.done();
    const written = await lines.stop();

    expect(handedOut).toEqual([world.tokens.alice, renewed, current]);
    expect(ended.error).toBeInstanceOf(TailgateError);
    expect(ended.error?.code).toBe('unauthenticated');
    const received = heard.lines();
    expect(received.length).toBeGreaterThanOrEqual(resumedAt + 10);
    // Every line up to the end, once and in order: the resume lost and repeated nothing.
    expect(received).toEqual(written.slice(0, received.length));
    expect(client.state).toBe('closed');
  }, 30_000);

  it('ends the subscription of a fixed token with unauthenticated when the token is revoked', async () => {
    writeTokens({ bob: world.tokens.bob });
    fixed = await connect({ url: gateway.url, token: world.tokens.bob!, reconnect: RECONNECT });
    const subscription = await fixed.subscribe({ source: 'node-file.pods', selector: { namespace: 'team-b' } });
    writeTokens({});
    expect(await subscription.done()).toEqual({ type: 'ended', reason: 'unauthenticated' });
  });
});
