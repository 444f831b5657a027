// `@tailgate/client` against a real in-process gateway on the demo world: sources, subscriptions
// as each demo user sees them (never a record of a pod they may not read), the iterator and the
// emitter hearing the same stream, the client-side time merge, and a typed error for every code
// a caller can meet — from the server (its protocol codes, with their details) and from the client.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';

import { connect, type SubscriptionEvent, type TailgateClient, TailgateError } from '@tailgate/client';
import { freePort } from '@tailgate/testing';
import { Server as SocketIoServer } from 'socket.io';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { startTcpProxy } from '../support/tcp-proxy';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';
import { iterate, SubscriptionRecorder } from './support/subscription-recorder';

const source = 'node-file.pods';
const ALL = { source, selector: {} };
/** What each demo user may read, by pod name — the demo's policy, stated independently. */
const VISIBLE: Record<string, string[]> = {
  alice: ['checkout-api', 'payments-worker'],
  carol: ['checkout-api'],
  bob: ['web-frontend', 'search-indexer'],
};

/** The TailgateError a promise rejects with (failing the test when it resolves or rejects with anything else). */
async function refusal(promise: Promise<unknown>): Promise<TailgateError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(TailgateError);
  return outcome as TailgateError;
}

describe('@tailgate/client on the demo gateway', () => {
  let demo: DemoGateway;
  const clients: TailgateClient[] = [];
  const open = async (user: string, options: { requestTimeoutMs?: number } = {}) => {
    const client = await connect({ url: demo.gateway.url, token: demo.world.tokens[user], ...options });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS, undefined, { maxBacklogTail: 100 });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await demo?.stop();
  });

  it('lists the sources with their selector schemas', async () => {
    const client = await open('alice');
    const sources = await client.sourcesList();
    const pods = sources.find((s) => s.id === source);
    expect(pods?.supports).toEqual({ tail: true, since: true, resume: true });
    expect(pods?.selector).toMatchObject({ type: 'object' });
  });

  it('gives alice exactly her pods, counts the others hidden, and the iterator hears what the emitter hears', async () => {
    const client = await open('alice');
    const subscription = await client.subscribe(ALL);
    expect(subscription.id).toMatch(/\S/);
    const heard = new SubscriptionRecorder(subscription);
    const iterated = iterate(subscription);
    await heard.until(() => heard.of('target').length === 2 && heard.of('hidden').length === 2, 'the targets');
    for (const pod of DEMO_PODS) await demo.writers.get(pod.name)!.writeMany([`${pod.name} 1`, `${pod.name} 2`]);
    for (const writer of demo.writers.values()) await writer.write('last');
    await heard.until(() => heard.lines().filter((line) => line === 'last').length === 2, "alice's last lines");
    await subscription.unsubscribe();

    expect(heard.records().map((r) => r.pod)).not.toContain('web-frontend');
    expect(new Set(heard.records().map((r) => r.pod))).toEqual(new Set(VISIBLE.alice));
    expect(
      heard
        .lines()
        .filter((l) => l !== 'last')
        .sort(),
    ).toEqual(['checkout-api 1', 'checkout-api 2', 'payments-worker 1', 'payments-worker 2']);
    expect(
      heard
        .of('target')
        .map((t) => t.target.pod)
        .sort(),
    ).toEqual([...VISIBLE.alice!].sort());
    expect(heard.of('hidden').map((h) => h.count)).toEqual([1, 2]);
    expect(heard.of('denied')).toEqual([]);
    expect(heard.events.at(-1)).toEqual({ type: 'ended', reason: 'unsubscribed' });
    expect(await iterated).toEqual(heard.events);
    expect(subscription.closed).toBe(true);
    expect(Object.keys(subscription.cursors()).sort()).toEqual(['team-a/checkout-api/api', 'team-a/payments-worker/worker']);
  });

  it('names the pod carol may not read, and sends nothing of it', async () => {
    const client = await open('carol');
    const subscription = await client.subscribe({ source, selector: { namespace: 'team-a' }, tail: 2 });
    const heard = new SubscriptionRecorder(subscription);
    await heard.until(() => heard.of('target').length + heard.of('denied').length === 2, "carol's targets");
    await demo.writers.get('payments-worker')!.write('not for carol');
    await demo.writers.get('checkout-api')!.write('for carol');
    await heard.until(() => heard.lines().includes('for carol'), 'her line');
    expect(heard.of('denied')).toEqual([
      { type: 'denied', target: { ns: 'team-a', pod: 'payments-worker', container: 'worker' }, reason: 'forbidden' },
    ]);
    expect(heard.records().every((r) => r.pod === 'checkout-api')).toBe(true);
    expect(heard.lines()).not.toContain('not for carol');
  });

  it('merges records of several containers in timestamp order on the client', async () => {
    const client = await open('alice');
    const subscription = await client.subscribe({ source, selector: { namespace: 'team-a' }, merge: { windowMs: 300 } });
    const heard = new SubscriptionRecorder(subscription);
    await heard.until(() => heard.of('target').length === 2, 'the targets');
    const api = demo.writers.get('checkout-api')!;
    const worker = demo.writers.get('payments-worker')!;
    // All of api's lines first, then the worker's, which are earlier by a nanosecond each (and
    // written in another zone): in arrival order they would come grouped by container.
    const second = new Date(Math.floor(Date.now() / 1000) * 1000);
    const utc = second.toISOString().slice(0, 19);
    const plusOne = new Date(second.getTime() + 3_600_000).toISOString().slice(0, 19);
    for (let i = 0; i < 5; i++) await api.write(`merge api ${i}`, { ts: `${utc}.00000000${2 * i + 1}Z` });
    for (let i = 0; i < 5; i++) await worker.write(`merge worker ${i}`, { ts: `${plusOne}.00000000${2 * i}+01:00` });
    await heard.until(() => heard.lines().filter((l) => l.startsWith('merge')).length === 10, 'the merged lines');
    const merged = heard.records().filter((r) => r.line.startsWith('merge'));
    expect(merged.map((r) => r.line)).toEqual([0, 1, 2, 3, 4].flatMap((i) => [`merge worker ${i}`, `merge api ${i}`]));
  });

  describe('typed errors', () => {
    it('unauthenticated: a token no authenticator accepts, without repeating it', async () => {
      const error = await refusal(connect({ url: demo.gateway.url, token: 'not-a-valid-token' }));
      expect(error.code).toBe('unauthenticated');
      expect(error.fromServer).toBe(true);
      expect(error.message).not.toContain('not-a-valid-token');
    });

    it('invalid_request: a selector the source refuses, with the issues', async () => {
      const client = await open('alice');
      const error = await refusal(client.subscribe({ source, selector: { namespace: 5 } }));
      expect(error.code).toBe('invalid_request');
      expect(error.details?.issues).toEqual(expect.any(Array));
    });

    it('invalid_request: a tail beyond the limit, with the limit', async () => {
      const client = await open('alice');
      const error = await refusal(client.subscribe({ source, selector: {}, tail: 101 }));
      expect(error.code).toBe('invalid_request');
      expect(error.details).toEqual({ maxTail: 100 });
    });

    it('not_found: an unknown source, named in the details', async () => {
      const client = await open('alice');
      const error = await refusal(client.subscribe({ source: 'no-such.source' }));
      expect(error.code).toBe('not_found');
      expect(error.details).toEqual({ source: 'no-such.source' });
    });

    it('forbidden: a subscription the authorizers deny entirely', async () => {
      const client = await open('bob');
      const error = await refusal(client.subscribe({ source, selector: { namespace: 'team-a' } }));
      expect(error).toMatchObject({ code: 'forbidden', message: 'not allowed to read the logs this subscription asks for' });
    });

    it('connection_failed: nothing listens at the address', async () => {
      const port = await freePort();
      const error = await refusal(connect({ url: `http://127.0.0.1:${port}`, token: 'x' }));
      expect(error.code).toBe('connection_failed');
      expect(error.fromServer).toBe(false);
    });

    it('timeout: a server that accepts the connection and never answers', async () => {
      const silent: Server = createServer(() => undefined);
      const port = await freePort();
      await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
      try {
        const error = await refusal(connect({ url: `http://127.0.0.1:${port}`, token: 'x', connectTimeoutMs: 300 }));
        expect(error.code).toBe('timeout');
      } finally {
        silent.close();
      }
    });

    it('timeout: a request whose answer never comes', async () => {
      const proxy = await startTcpProxy([demo.gateway.port]);
      try {
        const client = await connect({ url: proxy.url, token: demo.world.tokens.alice, requestTimeoutMs: 300 });
        clients.push(client);
        proxy.blackhole();
        const error = await refusal(client.sourcesList());
        expect(error.code).toBe('timeout');
      } finally {
        await proxy.close();
      }
    });

    it('gives up after maxAttempts failed reconnections, ending every subscription with the last error', async () => {
      const proxy = await startTcpProxy([demo.gateway.port]);
      try {
        const client = await connect({ url: proxy.url, token: demo.world.tokens.alice, reconnect: { initialDelayMs: 10, maxAttempts: 2 } });
        clients.push(client);
        const errors: TailgateError[] = [];
        const states: string[] = [];
        client.on('error', (error) => errors.push(error));
        client.on('state', (state) => states.push(state));
        const subscription = await client.subscribe({ source, selector: { namespace: 'team-a', pod: 'checkout-api' } });
        const heard = new SubscriptionRecorder(subscription);
        proxy.setUpstreams([await freePort()]);
        proxy.cut();
        const ended = await subscription.done();
        expect(ended.error?.code).toBe('connection_failed');
        expect(heard.events.map((e) => (e.type === 'reconnecting' ? `reconnecting ${e.attempt}` : e.type))).toEqual([
          'reconnecting 1',
          'reconnecting 2',
          'ended',
        ]);
        expect(errors.map((e) => e.code)).toEqual(['connection_failed', 'connection_failed']);
        expect(states).toEqual(['reconnecting', 'closed']);
      } finally {
        await proxy.close();
      }
    });

    it('closed: close() ends every subscription with a closed error, and later requests fail so', async () => {
      const client = await open('alice');
      const subscription = await client.subscribe({ source, selector: { namespace: 'team-a', pod: 'checkout-api' } });
      const iterated = iterate(subscription);
      client.close();
      const ended = await subscription.done();
      expect(ended.error).toBeInstanceOf(TailgateError);
      expect(ended.error?.code).toBe('closed');
      expect((await iterated).at(-1)).toBe(ended);
      expect(client.state).toBe('closed');
      expect((await refusal(client.sourcesList())).code).toBe('closed');
    });
  });
});

describe('@tailgate/client on a gateway with small limits', () => {
  let demo: DemoGateway;
  const clients: TailgateClient[] = [];

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS, undefined, {}, { user: { maxSubscriptions: 1 } }, { connections: { maxPerUser: 1 } });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await demo?.stop();
  });

  it('quota_exceeded with its details, then rate_limited for a second connection of the user', async () => {
    const client = await connect({ url: demo.gateway.url, token: demo.world.tokens.alice });
    clients.push(client);
    await client.subscribe({ source, selector: { namespace: 'team-a', pod: 'checkout-api' } });
    const quota = await refusal(client.subscribe({ source, selector: { namespace: 'team-a', pod: 'payments-worker' } }));
    expect(quota.code).toBe('quota_exceeded');
    expect(quota.details).toEqual({ limit: 'subscriptions', scope: 'user', max: 1 });

    const second = await refusal(connect({ url: demo.gateway.url, token: demo.world.tokens.alice }));
    expect(second.code).toBe('rate_limited');
  });
});

describe('@tailgate/client on a gateway shutting down', () => {
  it('upstream_unavailable: a subscribe that reaches a gateway while it shuts down', async () => {
    const demo = await startDemoGateway(DEMO_PODS, inject('redisUrl'));
    try {
      // A running stream makes the shutdown hand a lease over on Redis: the window in which it refuses.
      const holder = await connect({ url: demo.gateway.url, token: demo.world.tokens.alice, reconnect: false });
      const held = await holder.subscribe({ source, selector: { namespace: 'team-a', pod: 'checkout-api' } });
      const client = await connect({ url: demo.gateway.url, token: demo.world.tokens.carol, reconnect: false });
      const closing = demo.gateway.close();
      const error = await refusal(client.subscribe({ source, selector: { namespace: 'team-a', pod: 'checkout-api' } }));
      expect(error.code).toBe('upstream_unavailable');
      const ended: SubscriptionEvent = await held.done();
      // With reconnection off, the `shutdown` end is final; the client then loses the connection.
      expect(ended).toEqual({ type: 'ended', reason: 'shutdown' });
      await closing;
      holder.close();
      client.close();
    } finally {
      await demo.stop().catch(() => undefined);
    }
  });
});

describe('@tailgate/client on a server that breaks the protocol', () => {
  it('sends the token and protocol version, reports malformed messages as internal errors and never passes them on', async () => {
    const http = createHttpServer();
    const io = new SocketIoServer(http, { transports: ['websocket'] });
    const handshakes: unknown[] = [];
    const record = { ts: '2026-01-01T00:00:00Z', ns: 'n', pod: 'p', container: 'c', stream: 'stdout', line: 'fine', cursor: '1' };
    io.of('/logs').on('connection', (socket) => {
      handshakes.push(socket.handshake.auth);
      socket.on('sources.list', (_request: unknown, ack: (answer: unknown) => void) => ack({ ok: true, sources: [{ id: 'x', extra: 1 }] }));
      socket.on('subscribe', (_request: unknown, ack: (answer: unknown) => void) => {
        ack({ ok: true, id: 'sub-1', scope: [] });
        socket.emit('records', { sub: 'sub-1', batch: [{ ...record, line: 'leaked', secret: 'x' }] });
        socket.emit('news', { sub: 'sub-1' });
        socket.emit('records', { sub: 'sub-1', batch: [record] });
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
    try {
      const client = await connect({ url: `http://127.0.0.1:${port}`, token: () => 'provided-token' });
      const errors: TailgateError[] = [];
      client.on('error', (error) => errors.push(error));
      expect(handshakes).toEqual([{ token: 'provided-token', protocol: 1 }]);

      expect((await refusal(client.sourcesList())).code).toBe('internal');
      const subscription = await client.subscribe({ source: 'x' });
      const heard = new SubscriptionRecorder(subscription);
      await heard.until(() => heard.records().length === 1, 'the well-formed batch');
      client.close();
      expect(heard.lines()).toEqual(['fine']);
      expect(errors.map((e) => [e.code, e.message])).toEqual([
        ['internal', 'the gateway sent a malformed answer to sources.list'],
        ['internal', 'the gateway sent a malformed records event'],
      ]);
    } finally {
      await io.close();
    }
  });
});
