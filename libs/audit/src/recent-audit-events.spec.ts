import { closeRedisConnection, createRedisConnections } from '@tailgate/bus';
import { type RedisServer, startRedisServer } from '@tailgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AuditEvent } from './audit-event';
import { finalizeAuditEvent } from './audit-event-draft';
import { AuditSettingsSchema } from './audit-settings';
import { NO_AUDIT } from './audit-trail';
import { accessDecisionEvent, authenticationFailedEvent, streamEndEvent, subscribeEvent } from './gateway-audit-events';
import type { RecentAuditBounds, RecentAuditEvents, RecentAuditFilter } from './recent-audit-events';
import { withRecentAuditEvents } from './recent-audit-recorder';
import { MemoryRecentAuditEvents } from './recent-memory-audit-events';
import { RedisRecentAuditEvents } from './recent-redis-audit-events';
import { sampleRequest } from './testing';

const T0 = Date.parse('2026-05-01T10:00:00.000Z');
const min = (m: number) => T0 + m * 60_000;

/** One read: its subscribe at `from` and its end at `to` (minutes after 10:00). */
function read(id: string, user: string, pod: string, from: number, to: number, namespace = 'team-a'): AuditEvent[] {
  const request = sampleRequest({
    auditID: id,
    receivedAt: new Date(min(from)),
    subject: { user, groups: ['g'] },
    target: { kind: 'pod', namespace, pod, container: 'app' },
  });
  return [
    finalizeAuditEvent(subscribeEvent(request, new Date(min(from))), 'Metadata'),
    finalizeAuditEvent(
      streamEndEvent(request, { reason: 'client-closed', delivered: { records: 1, bytes: 2 } }, new Date(min(to))),
      'Metadata',
    ),
  ];
}

const summary = (events: readonly AuditEvent[]) =>
  events.map((e) => `${e.user.username} ${e.objectRef?.name} ${e.annotations?.['tailgate.dev/event']}`);
const filter = (f: Partial<RecentAuditFilter>): RecentAuditFilter => ({ limit: 1_000, ...f });

type StoreFactory = (bounds: RecentAuditBounds, now: () => number) => RecentAuditEvents;

/** The behaviour every store shares. */
function describeRecentAuditEvents(name: string, factory: () => StoreFactory): void {
  describe(name, () => {
    const at = min(120);
    const open = (bounds: Partial<RecentAuditBounds> = {}) => factory()({ maxEvents: 100, maxAgeMs: 86_400_000, ...bounds }, () => at);
    /** Adds, then waits until a query sees all of it (Redis writes are not awaited by add). */
    async function filled(store: RecentAuditEvents, events: AuditEvent[], expected = events.length): Promise<void> {
      store.add(events);
      await expect.poll(async () => (await store.query(filter({}))).length).toBe(expected);
    }

    it('answers who read pod X between T1 and T2, including a read that began before T1', async () => {
      const store = open();
      await filled(store, [
        ...read('a', 'alice', 'checkout', 0, 5), // before the window
        ...read('b', 'bob', 'checkout', 8, 40), // began before, ended within
        ...read('c', 'carol', 'checkout', 15, 20), // within
        ...read('d', 'dave', 'payments', 15, 20), // another pod
        ...read('e', 'erin', 'checkout', 50, 55), // after
      ]);
      const answer = await store.query(filter({ pod: 'checkout', since: min(10), until: min(30) }));
      // Whole reads, in the order recorded: bob's read overlaps the window, so his subscribe at 10:08 is in too.
      expect(summary(answer)).toEqual([
        'bob checkout subscribe',
        'bob checkout stream-end',
        'carol checkout subscribe',
        'carol checkout stream-end',
      ]);
      await store.close();
    });

    it('answers a read begun before T1 and still open after T2, but not a failed sign-in or a refused read before T1', async () => {
      const store = open();
      const request = (id: string, user: string, from: number) =>
        sampleRequest({
          auditID: id,
          receivedAt: new Date(min(from)),
          subject: { user, groups: ['g'] },
          target: { kind: 'pod', namespace: 'team-a', pod: 'checkout', container: 'app' },
        });
      const still = request('open', 'olga', 2);
      const refused = request('refused', 'rex', 3);
      await filled(store, [
        finalizeAuditEvent(subscribeEvent(still, new Date(min(2))), 'Metadata'),
        finalizeAuditEvent(accessDecisionEvent(still, { result: 'allow', authorizer: 'a.b' }, new Date(min(2))), 'Metadata'),
        finalizeAuditEvent(subscribeEvent(refused, new Date(min(3))), 'Metadata'),
        finalizeAuditEvent(accessDecisionEvent(refused, { result: 'deny', authorizer: 'a.b', reason: 'no' }, new Date(min(3))), 'Metadata'),
        finalizeAuditEvent(
          authenticationFailedEvent(
            { auditID: 'failed', receivedAt: new Date(min(4)), connection: still.connection, requestURI: '/logs', attempted: 'bearer' },
            new Date(min(4)),
          ),
          'Metadata',
        ),
      ]);
      expect(summary(await store.query(filter({ since: min(10), until: min(30) })))).toEqual([
        'olga checkout subscribe',
        'olga checkout decision',
      ]);
      await store.close();
    });

    it('filters by user and namespace, newest last', async () => {
      const store = open();
      await filled(store, [
        ...read('a', 'alice', 'p1', 0, 1),
        ...read('b', 'alice', 'p2', 2, 3, 'team-b'),
        ...read('c', 'bob', 'p1', 4, 5),
      ]);
      expect(summary(await store.query(filter({ user: 'alice' })))).toEqual([
        'alice p1 subscribe',
        'alice p1 stream-end',
        'alice p2 subscribe',
        'alice p2 stream-end',
      ]);
      expect(summary(await store.query(filter({ namespace: 'team-b' })))).toEqual(['alice p2 subscribe', 'alice p2 stream-end']);
      await store.close();
    });

    it('answers the newest `limit` events', async () => {
      const store = open();
      await filled(store, [...read('a', 'alice', 'p1', 0, 1), ...read('b', 'bob', 'p1', 2, 3)]);
      expect(summary(await store.query(filter({ limit: 3 })))).toEqual(['alice p1 stream-end', 'bob p1 subscribe', 'bob p1 stream-end']);
      await store.close();
    });

    it('keeps at most maxEvents, the newest', async () => {
      const store = open({ maxEvents: 4 });
      const events = Array.from({ length: 6 }, (_, i) => read(`r${i}`, `u${i}`, 'p', i, i + 1)).flat();
      store.add(events);
      await expect.poll(async () => (await store.query(filter({}))).at(-1)?.user.username).toBe('u5');
      const kept = await store.query(filter({}));
      // Redis trims with MAXLEN ~ (whole nodes of its radix tree): at least the newest four are kept; see the XLEN test below.
      if (store instanceof MemoryRecentAuditEvents) expect(kept).toHaveLength(4);
      expect(summary(kept.slice(-4))).toEqual(['u4 p subscribe', 'u4 p stream-end', 'u5 p subscribe', 'u5 p stream-end']);
      await store.close();
    });

    it('does not answer events older than maxAgeMs', async () => {
      const store = open({ maxAgeMs: 30 * 60_000 });
      store.add([...read('old', 'alice', 'p', 0, 10), ...read('new', 'bob', 'p', 95, 100)]);
      await expect.poll(async () => summary(await store.query(filter({})))).toEqual(['bob p subscribe', 'bob p stream-end']);
      await store.close();
    });
  });
}

describeRecentAuditEvents('MemoryRecentAuditEvents', () => (bounds, now) => new MemoryRecentAuditEvents(bounds, now));

let server: RedisServer;
describe('on Redis', () => {
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.stop();
  });
  let n = 0;
  /** A connection of the store's own, closed with it. */
  const connection = () => {
    const redis = createRedisConnections(server.url, { role: 'commands', connectionNamePrefix: 'recent-audit-spec' });
    return { redis, release: () => closeRedisConnection(redis) };
  };
  const redisStore: StoreFactory = (bounds, now) =>
    new RedisRecentAuditEvents({ ...bounds, now, keyPrefix: `recent-spec-${process.pid}-${n++}:`, ...connection() });
  describeRecentAuditEvents('RedisRecentAuditEvents', () => redisStore);

  it('caps the Stream near maxEvents', async () => {
    const { redis, release } = connection();
    const store = new RedisRecentAuditEvents({
      maxEvents: 100,
      maxAgeMs: 86_400_000,
      keyPrefix: `recent-spec-${process.pid}-cap:`,
      redis,
      release,
      now: () => min(120),
    });
    const events = Array.from({ length: 500 }, (_, i) => read(`r${i}`, `u${i}`, 'p', 0, 1)).flat();
    store.add(events);
    await expect.poll(async () => (await store.query(filter({ limit: 1 })))[0]?.user.username).toBe('u499');
    const length = Number(await redis.call('XLEN', store.key));
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(300);
    await store.close();
  });

  it('keeps one Stream under a hash-tagged key, so two gateways answer for each other', async () => {
    const bounds = { maxEvents: 100, maxAgeMs: 86_400_000 };
    const keyPrefix = `recent-spec-${process.pid}-shared:`;
    const [one, two] = [connection(), connection()].map(
      (own) => new RedisRecentAuditEvents({ ...bounds, keyPrefix, ...own, now: () => min(120) }),
    );
    expect(one!.key).toBe(`${keyPrefix}{audit}:recent`);
    one!.add(read('a', 'alice', 'p', 0, 1));
    two!.add(read('b', 'bob', 'p', 2, 3));
    await expect.poll(async () => (await one!.query(filter({}))).length).toBe(4);
    expect(summary(await two!.query(filter({ user: 'alice' })))).toEqual(['alice p subscribe', 'alice p stream-end']);
    await Promise.all([one!.close(), two!.close()]);
  });
});

describe('withRecentAuditEvents', () => {
  it('keeps what the recorder recorded, and leaves an audit trail that is off as it is', async () => {
    const store = new MemoryRecentAuditEvents({ maxEvents: 10, maxAgeMs: 86_400_000 }, () => min(1));
    const recorded: AuditEvent[] = [];
    const inner = {
      record: (draft: Parameters<typeof finalizeAuditEvent>[0]) => {
        // A policy recording only stream ends.
        if (draft.stage !== 'ResponseComplete') return undefined;
        const event = finalizeAuditEvent(draft, 'Metadata');
        recorded.push(event);
        return event;
      },
      close: () => Promise.resolve(),
    };
    const recorder = withRecentAuditEvents(inner, store);
    const request = sampleRequest({ receivedAt: new Date(min(0)) });
    recorder.record(subscribeEvent(request, new Date(min(0))));
    recorder.record(streamEndEvent(request, { reason: 'client-closed', delivered: { records: 0, bytes: 0 } }, new Date(min(0))));
    expect(await store.query(filter({}))).toEqual(recorded);
    expect(recorded).toHaveLength(1);
    expect(withRecentAuditEvents(NO_AUDIT, store)).toBe(NO_AUDIT);
  });
});

describe('audit.query settings', () => {
  it('leave the query off, and refuse query groups while the audit trail is off', () => {
    expect(AuditSettingsSchema.parse({}).query).toEqual({ groups: [], maxEvents: 10_000, maxAgeMs: 86_400_000 });
    expect(AuditSettingsSchema.parse({ enabled: true, stdout: true, query: { groups: ['auditors'] } }).query.groups).toEqual(['auditors']);
    const refused = AuditSettingsSchema.safeParse({ query: { groups: ['auditors'] } });
    expect(refused.success ? [] : refused.error.issues.map((issue) => issue.path.join('.'))).toEqual(['query.groups']);
  });
});
