// The Redis quota store on a real redis-server: the conformance suite every store passes, then
// what only Redis does — limits shared by replicas, a dead replica's holdings expiring, a
// closed one's given back at once, and keys that Redis Cluster can place.
import { randomUUID } from 'node:crypto';

import { closeRedisConnection, createRedisConnections } from '@tailgate/bus';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';

import { quotaSubjectOf } from '../../apps/gateway/src/quotas/quota-subject';
import { RedisQuotaStore } from '../../apps/gateway/src/quotas/redis-quota-store';
import { describeQuotaStore, quotas } from '../../apps/gateway/src/quotas/testing/describe-quota-store';

const runId = randomUUID().slice(0, 8);
const keyPrefix = `test:quotas-redis-store:${runId}:`;
const holdingTtlMs = 10_000;

function storeOn(clock: () => number): RedisQuotaStore {
  return new RedisQuotaStore({ url: inject('redisUrl'), keyPrefix, holdingTtlMs, clock, heartbeat: false });
}

describeQuotaStore('redis', storeOn);

describe('RedisQuotaStore replicas', () => {
  const clock = { now: 5_000_000 };
  const open: RedisQuotaStore[] = [];
  let name = '';
  const replica = () => {
    const store = storeOn(() => clock.now);
    open.push(store);
    return store;
  };
  const subject = (limits: Record<string, unknown>, tenant?: string) =>
    quotaSubjectOf({ user: `alice-${name}`, groups: tenant ? [`tenant:${tenant}-${name}`] : [] }, quotas({ user: limits }));

  beforeEach(() => {
    clock.now = 5_000_000;
    name = randomUUID().slice(0, 8);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });

  it("counts every replica's holdings against one limit; one replica cannot give back another's", async () => {
    const [a, b] = [replica(), replica()];
    const alice = subject({ maxSubscriptions: 2 });
    expect(await a.acquire(alice, 's1')).toEqual({ ok: true });
    expect(await b.acquire(alice, 's2')).toEqual({ ok: true });
    const refusal = { ok: false, refusal: { limit: 'subscriptions', scope: 'user', max: 2 } };
    expect(await a.acquire(alice, 's3')).toEqual(refusal);
    expect(await b.acquire(alice, 's3')).toEqual(refusal);
    await b.release(alice, 's1');
    expect(await b.acquire(alice, 's3')).toEqual(refusal);
    await a.release(alice, 's1');
    expect(await b.acquire(alice, 's3')).toEqual({ ok: true });
  });

  it('shares one subscribe-rate bucket between replicas', async () => {
    const [a, b] = [replica(), replica()];
    const alice = subject({ subscribesPerMinute: 60, subscribeBurst: 2 });
    expect(await a.takeSubscribeToken(alice)).toEqual({ ok: true });
    expect(await b.takeSubscribeToken(alice)).toEqual({ ok: true });
    expect(await a.takeSubscribeToken(alice)).toMatchObject({ ok: false, refusal: { limit: 'subscribeRate', retryAfterMs: 1000 } });
  });

  it("keeps a replica's holdings while it beats and stops counting them once it missed holdingTtlMs", async () => {
    const [a, b] = [replica(), replica()];
    const alice = subject({ maxSubscriptions: 2 });
    await a.acquire(alice, 's1');
    await a.acquire(alice, 's2');
    clock.now += holdingTtlMs - 1;
    await a.heartbeat();
    clock.now += holdingTtlMs - 1;
    expect(await b.acquire(alice, 's3')).toMatchObject({ ok: false, refusal: { limit: 'subscriptions' } });
    clock.now += 2;
    expect(await b.acquire(alice, 's3')).toEqual({ ok: true });
    expect(await b.acquire(alice, 's4')).toEqual({ ok: true });
    expect(await b.acquire(alice, 's5')).toMatchObject({ ok: false });
  });

  it('writes back the holdings of a replica that was only paused, at its next heartbeat', async () => {
    const [a, b] = [replica(), replica()];
    const alice = subject({ maxSubscriptions: 2 });
    await a.acquire(alice, 's1');
    clock.now += holdingTtlMs + 1;
    expect(await b.acquire(alice, 's2')).toEqual({ ok: true });
    await a.heartbeat();
    expect(await b.acquire(alice, 's3')).toMatchObject({ ok: false, refusal: { limit: 'subscriptions' } });
    await a.release(alice, 's1');
    expect(await b.acquire(alice, 's3')).toEqual({ ok: true });
  });

  it('gives back all holdings of a replica that closes, without waiting for them to expire', async () => {
    const [a, b] = [replica(), replica()];
    const alice = subject({ maxSubscriptions: 2, maxStreams: 2 });
    await a.acquire(alice, 's1');
    await a.acquire(alice, 's2');
    await a.close();
    expect(await b.acquire(alice, 's3')).toEqual({ ok: true });
    expect(await b.acquire(alice, 's4')).toEqual({ ok: true });
  });

  it("keeps a subject's keys under the configured prefix and one hash tag, names no one, and deletes what is not held", async () => {
    const admin = createRedisConnections(inject('redisUrl'), { role: 'commands', connectionNamePrefix: `quotas-${runId}-admin` });
    try {
      const a = replica();
      const alice = quotaSubjectOf(
        { user: `alice-${name}`, groups: [`tenant:acme-${name}`] },
        quotas({ tenant: { maxStreams: 9, subscribesPerMinute: 60 } }),
      );
      await a.takeSubscribeToken(alice);
      await a.acquire(alice, 's1');
      const keys = await admin.keys(`${keyPrefix}{${alice.tag}}*`);
      const shape = new RegExp(`^${keyPrefix}\\{${alice.tag}\\}:quota:(user|tenant):[0-9a-f]{16}:(holds|replicas|rate)$`);
      expect(keys.sort()).toHaveLength(6);
      for (const key of keys) expect(key).toMatch(shape);
      expect(keys.join(' ')).not.toMatch(/alice|acme/);
      await a.release(alice, 's1');
      expect((await admin.keys(`${keyPrefix}{${alice.tag}}*`)).map((k) => k.split(':').pop()).sort()).toEqual(['rate', 'rate']);
    } finally {
      await closeRedisConnection(admin);
    }
  });
});
