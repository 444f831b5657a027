// Quotas across gateway replicas on one real Redis, through the real socket.io-client: a
// per-user limit holds over both replicas, a killed replica's holdings stop counting once
// they expire, and a closed replica gives its holdings back at once.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import type { SubscribeRequest } from '@tailgate/contracts';
import { freePort } from '@tailgate/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { createDemoWorld, type DemoWorld } from '../../apps/gateway/src/demo/demo-world';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { LogClient } from '../e2e/support/log-client';

const root = join(__dirname, '../..');
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
  let killed: SpawnedGateway | undefined;
  const clients: LogClient[] = [];
  const connect = async (url: string, user: string) => {
    const client = await LogClient.connect(url, { token: world.tokens[user] });
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
    killed = await spawnGateway(world, dir);
  }, 90_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    killed?.kill();
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

    replica.kill();
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

interface SpawnedGateway {
  readonly url: string;
  /** SIGKILLs the gateway's whole process group (tsx runs it in a child of its own). */
  kill(): void;
}

/** Runs a gateway on the same world as a process of its own, so it can be killed without cleaning up. */
async function spawnGateway(world: DemoWorld, dir: string): Promise<SpawnedGateway> {
  const port = await freePort();
  const file = join(dir, 'tailgate.json');
  writeFileSync(file, JSON.stringify({ ...world.config, server: { ...world.config.server, port } }));
  const child = spawn(
    join(root, 'node_modules/.bin/tsx'),
    ['--tsconfig', 'tsconfig.base.json', '--conditions=@tailgate/source', 'apps/gateway/src/main.ts'],
    { cwd: root, env: { PATH: process.env.PATH, TAILGATE_CONFIG: file }, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const kill = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', kill);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(url, child, () => stderr);
  } catch (error) {
    kill();
    throw error;
  }
  return { url, kill };
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the gateway process exited ${child.exitCode}: ${stderr()}`);
    const status = await fetch(`${url}/readyz`).then(
      (response) => response.status,
      () => undefined,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the gateway process did not get ready: ${stderr()}`);
}
