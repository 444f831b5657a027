// Conformance suite every QuotaStore passes (in memory and Redis alike), on a fake clock:
//   describeQuotaStore('redis', (clock) => new RedisQuotaStore({ url, keyPrefix, holdingTtlMs, clock, heartbeat: false }))
// Each test uses user and tenant names of its own, so stores sharing one Redis do not meet.
import { randomUUID } from 'node:crypto';

import { type QuotasConfig, QuotasConfigSchema } from '@tailgate/config';
import type { Subject } from '@tailgate/plugin-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { QuotaStore } from '../quota-store';
import { type QuotaSubject, quotaSubjectOf } from '../quota-subject';

export type MakeQuotaStore = (clock: () => number) => QuotaStore | Promise<QuotaStore>;

interface SuiteContext {
  readonly clock: { now: number };
  readonly store: () => Promise<QuotaStore>;
  /** A subject with a name no other test uses, in tenant `tenant` (a name of this test) when given. */
  readonly subject: (config: QuotasConfig, user: string, tenant?: string) => QuotaSubject;
}

export function describeQuotaStore(name: string, makeStore: MakeQuotaStore): void {
  describe(`QuotaStore conformance: ${name}`, () => {
    const context = suiteContext(makeStore);
    describeHoldings(context);
    describeTenantHoldings(context);
    describeSubscribeRate(context);
  });
}

/** Quotas with every user limit high unless given, and tenants read from `tenant:` groups. */
export function quotas(input: Record<string, unknown>): QuotasConfig {
  const big = { maxSubscriptions: 1000, maxStreams: 1000, subscribesPerMinute: 100_000 };
  const { user, ...rest } = input;
  return QuotasConfigSchema.parse({
    tenantFrom: { kind: 'group-prefix', prefix: 'tenant:' },
    user: { ...big, ...(user as object) },
    ...rest,
  });
}

function suiteContext(makeStore: MakeQuotaStore): SuiteContext {
  const clock = { now: 1_000_000 };
  const stores: QuotaStore[] = [];
  let run = '';
  beforeEach(() => {
    clock.now = 1_000_000;
    run = randomUUID().slice(0, 8);
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  return {
    clock,
    store: async () => {
      const store = await makeStore(() => clock.now);
      stores.push(store);
      return store;
    },
    subject: (config, user, tenant) => {
      const subject: Subject = { user: `${user}-${run}`, groups: tenant === undefined ? [] : [`tenant:${tenant}-${run}`] };
      return quotaSubjectOf(subject, config);
    },
  };
}

function describeHoldings({ store, subject }: SuiteContext): void {
  it('refuses a subscription past maxSubscriptions, whatever its stream, and holds nothing for it', async () => {
    const quota = await store();
    const alice = subject(quotas({ user: { maxSubscriptions: 2 } }), 'alice');
    expect(await quota.acquire(alice, 's1')).toEqual({ ok: true });
    expect(await quota.acquire(alice, 's1')).toEqual({ ok: true });
    const refusal = { ok: false, refusal: { limit: 'subscriptions', scope: 'user', max: 2 } };
    expect(await quota.acquire(alice, 's2')).toEqual(refusal);
    expect(await quota.acquire(alice, 's1')).toEqual(refusal);
    await quota.release(alice, 's1');
    expect(await quota.acquire(alice, 's2')).toEqual({ ok: true });
    expect(await quota.acquire(alice, 's3')).toEqual(refusal);
  });

  it('counts a stream once however many subscriptions hold it, and refuses a new one past maxStreams', async () => {
    const quota = await store();
    const alice = subject(quotas({ user: { maxStreams: 2 } }), 'alice');
    for (const stream of ['s1', 's2', 's1', 's1']) expect(await quota.acquire(alice, stream)).toEqual({ ok: true });
    expect(await quota.acquire(alice, 's3')).toEqual({ ok: false, refusal: { limit: 'streams', scope: 'user', max: 2 } });
    expect(await quota.acquire(alice, 's2')).toEqual({ ok: true });
  });

  it('frees a stream only when its last subscription is given back', async () => {
    const quota = await store();
    const alice = subject(quotas({ user: { maxStreams: 1 } }), 'alice');
    await quota.acquire(alice, 's1');
    await quota.acquire(alice, 's1');
    await quota.release(alice, 's1');
    expect(await quota.acquire(alice, 's2')).toMatchObject({ ok: false, refusal: { limit: 'streams' } });
    await quota.release(alice, 's1');
    expect(await quota.acquire(alice, 's2')).toEqual({ ok: true });
  });

  it('changes nothing when given back what it does not hold', async () => {
    const quota = await store();
    const alice = subject(quotas({ user: { maxSubscriptions: 2 } }), 'alice');
    await quota.acquire(alice, 's1');
    await quota.acquire(alice, 's2');
    await quota.release(alice, 's1');
    await quota.release(alice, 's1');
    await quota.release(alice, 'never-held');
    expect(await quota.acquire(alice, 's3')).toEqual({ ok: true });
    expect(await quota.acquire(alice, 's4')).toMatchObject({ ok: false, refusal: { limit: 'subscriptions', max: 2 } });
  });

  it('keeps users apart', async () => {
    const quota = await store();
    const config = quotas({ user: { maxSubscriptions: 1 } });
    expect(await quota.acquire(subject(config, 'alice'), 's1')).toEqual({ ok: true });
    expect(await quota.acquire(subject(config, 'bob'), 's1')).toEqual({ ok: true });
    expect(await quota.acquire(subject(config, 'alice'), 's1')).toMatchObject({ ok: false });
  });
}

function describeTenantHoldings({ store, subject }: SuiteContext): void {
  it("refuses past the tenant's maxSubscriptions across its users, holding nothing for the refused user", async () => {
    const quota = await store();
    const config = quotas({ tenant: { maxSubscriptions: 2 } });
    const [alice, bob] = [subject(config, 'alice', 'x'), subject(config, 'bob', 'x')];
    const carol = subject(quotas({ tenant: { maxSubscriptions: 2 }, user: { maxSubscriptions: 1 } }), 'carol', 'x');
    expect(await quota.acquire(alice, 's1')).toEqual({ ok: true });
    expect(await quota.acquire(bob, 's2')).toEqual({ ok: true });
    expect(await quota.acquire(carol, 's3')).toEqual({ ok: false, refusal: { limit: 'subscriptions', scope: 'tenant', max: 2 } });
    expect(await quota.acquire(subject(config, 'dave', 'y'), 's3')).toEqual({ ok: true });
    await quota.release(alice, 's1');
    // Had the refused request counted for carol, her own limit of 1 would refuse this one.
    expect(await quota.acquire(carol, 's3')).toEqual({ ok: true });
  });

  it("refuses a new stream past the tenant's maxStreams, but not one the tenant holds already", async () => {
    const quota = await store();
    const config = quotas({ tenant: { maxStreams: 1 } });
    const [alice, bob] = [subject(config, 'alice', 'x'), subject(config, 'bob', 'x')];
    expect(await quota.acquire(alice, 's1')).toEqual({ ok: true });
    expect(await quota.acquire(bob, 's1')).toEqual({ ok: true });
    expect(await quota.acquire(bob, 's2')).toEqual({ ok: false, refusal: { limit: 'streams', scope: 'tenant', max: 1 } });
  });
}

function describeSubscribeRate({ clock, store, subject }: SuiteContext): void {
  it('lets a burst through, then refuses until a token refilled, counting refused requests too', async () => {
    const quota = await store();
    const alice = subject(quotas({ user: { subscribesPerMinute: 60, subscribeBurst: 3 } }), 'alice');
    for (let i = 0; i < 3; i++) expect(await quota.takeSubscribeToken(alice)).toEqual({ ok: true });
    const refusal = { ok: false, refusal: { limit: 'subscribeRate', scope: 'user', max: 60, retryAfterMs: 1000 } };
    expect(await quota.takeSubscribeToken(alice)).toEqual(refusal);
    clock.now += 500;
    // Half a token had refilled; the refused request took it, so the wait starts over.
    expect(await quota.takeSubscribeToken(alice)).toEqual(refusal);
    clock.now += 999;
    expect(await quota.takeSubscribeToken(alice)).toEqual(refusal);
    clock.now += 1000;
    expect(await quota.takeSubscribeToken(alice)).toEqual({ ok: true });
    expect(await quota.takeSubscribeToken(alice)).toEqual(refusal);
  });

  it('refills to the burst at most, and keeps users apart', async () => {
    const quota = await store();
    const config = quotas({ user: { subscribesPerMinute: 60, subscribeBurst: 2 } });
    const alice = subject(config, 'alice');
    await quota.takeSubscribeToken(alice);
    clock.now += 3_600_000;
    expect(await quota.takeSubscribeToken(alice)).toEqual({ ok: true });
    expect(await quota.takeSubscribeToken(alice)).toEqual({ ok: true });
    expect(await quota.takeSubscribeToken(alice)).toMatchObject({ ok: false, refusal: { retryAfterMs: 1000 } });
    expect(await quota.takeSubscribeToken(subject(config, 'bob'))).toEqual({ ok: true });
  });

  it("shares the tenant's bucket between its users and names the tenant when it runs dry", async () => {
    const quota = await store();
    const config = quotas({ tenant: { subscribesPerMinute: 6, subscribeBurst: 2 } });
    expect(await quota.takeSubscribeToken(subject(config, 'alice', 'x'))).toEqual({ ok: true });
    expect(await quota.takeSubscribeToken(subject(config, 'bob', 'x'))).toEqual({ ok: true });
    expect(await quota.takeSubscribeToken(subject(config, 'carol', 'x'))).toEqual({
      ok: false,
      refusal: { limit: 'subscribeRate', scope: 'tenant', max: 6, retryAfterMs: 10_000 },
    });
    expect(await quota.takeSubscribeToken(subject(config, 'dave', 'y'))).toEqual({ ok: true });
  });
}
