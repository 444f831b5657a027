// Redis-only behaviour of RedisLogBus on a real redis-server: one SUBSCRIBE per channel per
// process, named connections, channel namespace, password-free error reports, recovery
// (down/up, re-subscription) when the server restarts, and the replay stream's age bounds.
import { randomUUID } from 'node:crypto';

import {
  closeRedisConnection,
  createRedisConnections,
  RedisLogBus,
  type ConnectionState,
  type RedisConnectionErrorReporter,
  type RedisLogBusOptions,
} from '@tailgate/bus';
import { MessageInbox, nextConnectionState } from '@tailgate/bus/testing';
import { freePort, startRedisServer, type RedisServer } from '@tailgate/testing';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';

const runId = randomUUID().slice(0, 8);
const keyPrefix = `test:log-bus-redis:${runId}:`;
const connectionNamePrefix = `log-bus-redis-${runId}`;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function busOn(url: string, options: Partial<RedisLogBusOptions> = {}): RedisLogBus {
  const bus = new RedisLogBus({ url, keyPrefix, connectionNamePrefix, ...options });
  cleanups.push(() => bus.close());
  return bus;
}

function adminOn(url: string): Redis {
  const admin = createRedisConnections(url, { role: 'commands', connectionNamePrefix: `${connectionNamePrefix}-admin` });
  cleanups.push(() => closeRedisConnection(admin));
  return admin;
}

async function serverForThisTest(port?: number): Promise<RedisServer> {
  const server = await startRedisServer(port === undefined ? {} : { port });
  cleanups.push(() => server.stop());
  return server;
}

async function subscriberCount(admin: Redis, channel: string): Promise<number> {
  const reply: unknown = await admin.pubsub('NUMSUB', channel);
  if (!Array.isArray(reply) || reply[0] !== channel) throw new Error(`unexpected PUBSUB NUMSUB reply ${JSON.stringify(reply)}`);
  return Number(reply[1]);
}

async function connectionNames(admin: Redis): Promise<string[]> {
  const list = await admin.client('LIST');
  return String(list)
    .split('\n')
    .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '')
    .filter((name) => name.startsWith(connectionNamePrefix));
}

describe('RedisLogBus on a real redis-server', () => {
  it('holds one SUBSCRIBE per channel per bus, however many local handlers', async () => {
    const url = inject('redisUrl');
    const admin = adminOn(url);
    const [first, second] = [busOn(url), busOn(url)];
    const channel = `${keyPrefix}numsub`;
    const firstRemovers = await Promise.all(Array.from({ length: 5 }, () => first.subscribe(channel, () => undefined)));
    const secondRemovers = await Promise.all(Array.from({ length: 2 }, () => second.subscribe(channel, () => undefined)));
    expect(await subscriberCount(admin, channel)).toBe(2);
    await Promise.all(firstRemovers.slice(0, 4).map((remove) => remove()));
    expect(await subscriberCount(admin, channel)).toBe(2);
    await firstRemovers[4]?.();
    expect(await subscriberCount(admin, channel)).toBe(1);
    await Promise.all(secondRemovers.map((remove) => remove()));
    expect(await subscriberCount(admin, channel)).toBe(0);
  });

  it('names its publisher and subscriber connections by role and quits both on close', async () => {
    const url = inject('redisUrl');
    const admin = adminOn(url);
    const bus = busOn(url);
    await bus.subscribe(`${keyPrefix}names`, () => undefined);
    await bus.publish(`${keyPrefix}names`, 'connects the publisher');
    expect((await connectionNames(admin)).sort()).toEqual([
      `${connectionNamePrefix}-admin:commands`,
      `${connectionNamePrefix}:publisher`,
      `${connectionNamePrefix}:subscriber`,
    ]);
    await bus.close();
    expect(await connectionNames(admin)).toEqual([`${connectionNamePrefix}-admin:commands`]);
  });

  it('refuses channels outside its key prefix, so deployments sharing a Redis stay apart', async () => {
    const bus = busOn(inject('redisUrl'));
    await expect(bus.publish('tailgate:{0123456789abcdef}:records', 'm')).rejects.toMatchObject({ code: 'invalid_channel' });
    await expect(bus.subscribe(keyPrefix, () => undefined)).rejects.toMatchObject({ code: 'invalid_channel' });
  });

  it('reports a connection failure once per connection, with the password masked', async () => {
    const port = await freePort();
    const reports: string[] = [];
    const bothReported = new Promise<void>((resolve) => {
      vi.spyOn(console, 'warn').mockImplementation((line: unknown) => {
        reports.push(String(line));
        if (reports.length === 2) resolve();
      });
    });
    cleanups.push(async () => {
      vi.restoreAllMocks();
    });
    const bus = busOn(`redis://app:hunter2@127.0.0.1:${port}/0`);
    const down = nextConnectionState(bus, 'down');
    await Promise.all([bothReported, down]);
    expect(reports.sort()).toEqual([
      expect.stringMatching(
        new RegExp(`redis publisher connection to redis://app:\\*\\*\\*@127\\.0\\.0\\.1:${port}/0 failed: .*ECONNREFUSED`),
      ),
      expect.stringMatching(
        new RegExp(`redis subscriber connection to redis://app:\\*\\*\\*@127\\.0\\.0\\.1:${port}/0 failed: .*ECONNREFUSED`),
      ),
    ]);
    expect(reports.join('\n')).not.toContain('hunter2');
  });

  it('reports the first error of an outage, not every reconnect attempt', async () => {
    const onError = vi.fn<RedisConnectionErrorReporter>();
    const port = await freePort();
    const connection = createRedisConnections(`redis://127.0.0.1:${port}`, { role: 'commands', reconnectMaxDelayMs: 50, onError });
    cleanups.push(() => closeRedisConnection(connection));
    await new Promise<void>((resolve) => {
      let attempts = 0;
      connection.on('reconnecting', () => {
        if (++attempts === 3) resolve();
      });
    });
    expect(onError).toHaveBeenCalledOnce();
    const [error, context] = onError.mock.calls[0] ?? [];
    expect(error?.message).toContain('ECONNREFUSED');
    expect(context).toEqual({ role: 'commands', target: `redis://127.0.0.1:${port}` });
  });
});

describe('RedisLogBus across a redis-server restart', () => {
  it('reports down, re-subscribes, then reports up, and delivers again', async () => {
    const server = await serverForThisTest();
    const bus = busOn(server.url, { onConnectionError: vi.fn() });
    const channel = `${keyPrefix}restart`;
    const inbox = new MessageInbox(channel);
    await bus.subscribe(channel, inbox.handler);
    const states: ConnectionState[] = [];
    bus.onConnectionChange((state) => states.push(state));
    const [down, up] = [nextConnectionState(bus, 'down'), nextConnectionState(bus, 'up')];
    const pidBefore = server.pid;
    await server.restart();
    expect(server.pid).not.toBe(pidBefore);
    await down;
    await up;
    expect(await subscriberCount(adminOn(server.url), channel)).toBe(1);
    await adminOn(server.url).publish(channel, 'from another process');
    await bus.publish(channel, 'from this bus');
    expect(await inbox.waitFor(2)).toEqual(['from another process', 'from this bus']);
    expect(states).toEqual(['down', 'up']);
  });

  it('lets handlers leave while Redis is down and re-subscribes only channels that still have some', async () => {
    const first = await serverForThisTest();
    const bus = busOn(first.url, { onConnectionError: vi.fn() });
    const [kept, left] = [`${keyPrefix}kept`, `${keyPrefix}left`];
    await bus.subscribe(kept, () => undefined);
    const leave = await bus.subscribe(left, () => undefined);
    const down = nextConnectionState(bus, 'down');
    await first.stop();
    await down;
    await leave();
    const up = nextConnectionState(bus, 'up');
    const second = await serverForThisTest(first.port);
    await up;
    const admin = adminOn(second.url);
    expect(await subscriberCount(admin, kept)).toBe(1);
    expect(await subscriberCount(admin, left)).toBe(0);
  });
});

async function redisTimeMs(admin: Redis): Promise<number> {
  const [seconds, micros] = await admin.time();
  return Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
}

/** Polls `check` every 20 ms until it holds: for conditions only time brings about. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RedisLogBus replay buffer on a real redis-server', () => {
  it('drops messages older than maxAgeMs at the next publish and deletes an idle buffer after maxAgeMs', async () => {
    const url = inject('redisUrl');
    const admin = adminOn(url);
    const maxAgeMs = 1_000;
    const bus = busOn(url, { replay: { maxMessages: 10, maxAgeMs } });
    const channel = `${keyPrefix}ageing`;
    const inbox = new MessageInbox(channel);
    await bus.subscribe(channel, inbox.handler);
    await bus.publish(channel, 'old');
    await inbox.waitFor(1);
    const [oldId = ''] = inbox.ids;
    // The buffer is a stream named like the channel, expiring maxAgeMs after the last publish.
    expect(await admin.type(channel)).toBe('stream');
    expect(await admin.pttl(channel)).toBeGreaterThan(0);
    expect(await admin.pttl(channel)).toBeLessThanOrEqual(maxAgeMs);
    const oldMs = Number(oldId.split('-')[0]);
    // 'middle' renews the expiry, so the stream outlives 'old' and only trimming removes it.
    await until(async () => (await redisTimeMs(admin)) > oldMs + maxAgeMs / 2, 'half the age bound to pass');
    await bus.publish(channel, 'middle');
    await until(async () => (await redisTimeMs(admin)) > oldMs + maxAgeMs, "the first message's age bound to pass");
    await bus.publish(channel, 'new');
    await inbox.waitFor(3);
    const kept = ['middle', 'new'].map((message, i) => ({ id: inbox.ids[i + 1], message }));
    expect(await bus.replay(channel)).toEqual({ messages: kept, complete: false });
    expect(await bus.replay(channel, oldId)).toEqual({ messages: kept, complete: true });
    await until(async () => (await admin.exists(channel)) === 0, 'the idle buffer to expire');
    expect(await bus.replay(channel, inbox.ids[2])).toEqual({ messages: [], complete: false });
  });

  it('publishes messages as they are, without ids or a stream, when replay is off', async () => {
    const url = inject('redisUrl');
    const bus = busOn(url, { replay: { maxMessages: 0 } });
    const channel = `${keyPrefix}no-replay`;
    const inbox = new MessageInbox(channel);
    await bus.subscribe(channel, inbox.handler);
    await bus.publish(channel, '{"t":"records","records":[]}');
    expect(await inbox.waitFor(1)).toEqual(['{"t":"records","records":[]}']);
    expect(inbox.ids).toEqual([undefined]);
    expect(await adminOn(url).exists(channel)).toBe(0);
    expect(await bus.replay(channel)).toEqual({ messages: [], complete: true });
  });
});
