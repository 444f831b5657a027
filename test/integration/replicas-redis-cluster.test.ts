// The gateway on a real three-master Redis Cluster: stream leases for streams whose keys live on
// different shards, the quota store's conformance suite, and three gateway processes through the
// real socket.io-client — one upstream per stream across them, moved on when its holder is
// killed with every line arriving once and in order, and user and tenant quotas held across
// replicas (both scopes checked and held by one script on the subject's slot).
import { randomUUID } from 'node:crypto';

import { closeRedisConnection, clusterKeySlot, createRedisConnections } from '@tailgate/bus';
import type { SubscribeRequest } from '@tailgate/contracts';
import type { RedisClusterNode } from '@tailgate/testing';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { LeaseTick, StreamLease } from '../../apps/gateway/src/cluster/lease-tick';
import { RedisStreamLeases } from '../../apps/gateway/src/cluster/redis-stream-leases';
import type { StreamLeaseKeys } from '../../apps/gateway/src/cluster/stream-lease-keys';
import { RedisQuotaStore } from '../../apps/gateway/src/quotas/redis-quota-store';
import { describeQuotaStore } from '../../apps/gateway/src/quotas/testing/describe-quota-store';
import type { GatewayProcess } from '../e2e/support/gateway-process';
import type { LogClient } from '../e2e/support/log-client';
import { NumberedLines } from '../e2e/support/numbered-lines';
import { type ReplicaSet, startReplicaSet } from '../e2e/support/replica-set';

import { useRedisCluster } from '../support/redis-cluster-suite';

const runId = randomUUID().slice(0, 8);
const keyPrefix = `test:replicas-redis-cluster:${runId}:`;

const running = useRedisCluster();

/** Where a client of the running cluster connects. */
function onCluster(): { url: string; cluster: true; clusterNodes: string[] } {
  const [url = '', ...clusterNodes] = running().urls;
  return { url, cluster: true, clusterNodes };
}

describeQuotaStore(
  'redis cluster',
  (clock) => new RedisQuotaStore({ ...onCluster(), keyPrefix, holdingTtlMs: 10_000, clock, heartbeat: false }),
);

describe('RedisStreamLeases on Redis Cluster', () => {
  const leaseTtlMs = 400;
  const open: RedisStreamLeases[] = [];
  const admins: Redis[] = [];
  const replica = () => {
    const leases = new RedisStreamLeases({ ...onCluster(), keyPrefix, leaseTtlMs, demandTtlMs: 5_000 });
    open.push(leases);
    return leases;
  };
  /** A plain connection to one node: reading a key there succeeds only when that node serves its slot. */
  const adminOn = (node: RedisClusterNode) => {
    const admin = createRedisConnections(node.url, { role: 'commands', connectionNamePrefix: `replicas-redis-cluster-${runId}-admin` });
    admins.push(admin);
    return admin;
  };

  afterEach(async () => {
    await Promise.all([...open.splice(0).map((leases) => leases.close()), ...admins.splice(0).map(closeRedisConnection)]);
  });

  /** One stream per shard: stream keys are tried until every node serves one. */
  const streamPerNode = (leases: RedisStreamLeases): Map<RedisClusterNode, StreamLeaseKeys> => {
    const streams = new Map<RedisClusterNode, StreamLeaseKeys>();
    for (let i = 0; streams.size < running().nodes.length; i += 1) {
      const keys = leases.keysOf(`node-file.pods|team-a/pod-${runId}-${i}`);
      const node = running().nodeForSlot(clusterKeySlot(keys.lease));
      if (!streams.has(node)) streams.set(node, keys);
    }
    return streams;
  };
  const acquired = (tick: LeaseTick): StreamLease => {
    if (tick.state !== 'acquired') throw new Error(`expected an acquisition, got ${tick.state}`);
    return tick.lease;
  };
  /** Ticks as a replica that wants the stream until it takes the lease. */
  const tickUntilAcquired = async (leases: RedisStreamLeases, keys: StreamLeaseKeys): Promise<LeaseTick> => {
    let tick = await leases.tick(keys, true, undefined);
    while (tick.state === 'busy') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      tick = await leases.tick(keys, true, undefined);
    }
    return tick;
  };

  it('takes, renews, fences and releases the leases of streams on every shard, each kept on its own node', async () => {
    const [a, b] = [replica(), replica()];
    const streams = streamPerNode(a);
    expect(streams.size).toBe(3);
    await Promise.all(
      [...streams].map(async ([node, keys]) => {
        const admin = adminOn(node);
        const old = acquired(await a.tick(keys, true, undefined));
        expect(await b.tick(keys, true, undefined)).toEqual({ state: 'busy', demand: 2 });
        expect(await a.tick(keys, true, old)).toEqual({ state: 'held', demand: 2 });
        expect(await a.recordCursors(keys, old, new Map([['team-a/p/c', '1-1']]))).toBe(true);
        expect(await admin.get(keys.lease)).toBe(old.value);

        // `a` stops renewing: `b` takes over with a higher token, resuming from a's last cursors.
        const takeover = await tickUntilAcquired(b, keys);
        expect(takeover).toMatchObject({ state: 'acquired', handover: true, lastCursors: new Map([['team-a/p/c', '1-1']]) });
        const next = acquired(takeover);
        expect(next.token).toBeGreaterThan(old.token);
        expect(await a.tick(keys, true, old)).toEqual({ state: 'lost', demand: 2 });
        expect(await a.recordCursors(keys, old, new Map([['team-a/p/c', '9-9']]))).toBe(false);
        expect(await a.release(keys, old, { forget: true, ifIdle: false })).toBe('not_ours');

        expect(await b.release(keys, next, { forget: true, ifIdle: false })).toBe('released');
        expect(await admin.get(keys.lease)).toBeNull();
        expect(await a.tick(keys, true, undefined)).toMatchObject({ state: 'acquired', handover: false, lastCursors: new Map() });
      }),
    );
  });
});

describe('three gateway replicas on Redis Cluster', () => {
  const leaseTtlMs = 900;
  const source = 'node-file.pods';
  const selectors = {
    checkout: { namespace: 'team-a', pod: 'checkout-api' },
    checkoutApi: { namespace: 'team-a', pod: 'checkout-api', container: 'api' },
    teamA: { namespace: 'team-a' },
  };
  const OPENED = ['tailgate_upstreams_opened_total', `source="${source}"`] as const;
  // alice and carol are both in tenant `a` (group team-a): carol's own limit and the tenant's are
  // checked in one script, on the slot of the tenant's hash tag.
  const quotas = {
    tenantFrom: { kind: 'group-prefix', prefix: 'team-' },
    users: { carol: { maxSubscriptions: 2 } },
    tenants: { a: { maxStreams: 2 } },
  };
  let set: ReplicaSet;
  let killed: GatewayProcess | undefined;

  beforeAll(async () => {
    const { url, clusterNodes } = onCluster();
    const streams = { leaseTtlMs, demandTtlMs: 3 * leaseTtlMs, idleGraceMs: 300 };
    set = await startReplicaSet({ replicas: 3, redisUrl: url, clusterNodes, name: 'replicas-redis-cluster', streams, quotas });
  }, 90_000);
  afterAll(() => set?.stop());

  const subscribe = (client: LogClient, selector: SubscribeRequest['selector']) => client.subscribe({ source, selector });

  it('runs one upstream for listeners on all three replicas, and when its holder is killed every line still arrives once, in order', async () => {
    const clients = await Promise.all(set.replicas.map((replica) => set.connect(replica)));
    for (const client of clients) expect((await subscribe(client, selectors.checkout)).ok).toBe(true);
    for (const client of clients) await client.waitFor(() => client.targets.length === 1, 'the target');
    const lines = new NumberedLines(set.writer, 10);
    lines.start();
    await Promise.all(clients.map((client) => client.waitFor(() => client.records.length >= 20, 'the stream under way')));
    expect(await set.sum(set.replicas, ...OPENED)).toBe(1);
    const [holder, ...others] = await set.holders();
    expect(others).toEqual([]);
    const survivors = set.replicas.filter((replica) => replica !== holder);
    const listening = clients.filter((_, i) => set.replicas[i] !== holder);

    killed = holder;
    holder!.kill('SIGKILL');
    expect(await holder!.exited).toBe('SIGKILL');
    await expect.poll(() => set.sum(survivors, 'tailgate_stream_leases_held'), { timeout: 4 * leaseTtlMs, interval: 20 }).toBe(1);
    const afterTakeover = lines.written.length + 20;
    await Promise.all(listening.map((client) => client.waitFor(() => client.records.length >= afterTakeover, 'lines after the takeover')));
    const written = await lines.stop();
    for (const client of listening) {
      await client.waitFor(() => client.records.length >= written.length, 'every line', 10_000);
      expect(client.lines()).toEqual(written);
    }
    expect(await set.sum(survivors, 'tailgate_stream_takeovers_total')).toBe(1);
    expect(await set.sum(survivors, ...OPENED)).toBe(1);
  });

  it("holds a user's and its tenant's limits across replicas, holding nothing in either scope for a refused request", async () => {
    const [first, second] = set.replicas.filter((replica) => replica !== killed) as [GatewayProcess, GatewayProcess];
    const carolOnFirst = await set.connect(first, 'carol');
    const carolOnSecond = await set.connect(second, 'carol');
    const aliceOnFirst = await set.connect(first, 'alice');
    const userLimit = {
      ok: false,
      error: {
        code: 'quota_exceeded',
        message: 'quota exceeded: at most 2 concurrent subscriptions per user',
        details: { limit: 'subscriptions', scope: 'user', max: 2 },
      },
    };
    const tenantLimit = {
      ok: false,
      error: {
        code: 'quota_exceeded',
        message: 'quota exceeded: at most 2 distinct streams per tenant',
        details: { limit: 'streams', scope: 'tenant', max: 2 },
      },
    };

    expect((await subscribe(carolOnFirst, selectors.checkout)).ok).toBe(true);
    const teamA = await subscribe(carolOnSecond, selectors.teamA);
    expect(teamA.ok).toBe(true);
    expect(await subscribe(carolOnSecond, selectors.checkoutApi)).toEqual(userLimit);
    expect(await subscribe(aliceOnFirst, selectors.checkoutApi)).toEqual(tenantLimit);

    expect(await carolOnSecond.emitRaw('unsubscribe', { id: teamA.ok ? teamA.id : '' })).toEqual({ ok: true });
    await expect.poll(async () => (await subscribe(aliceOnFirst, selectors.checkoutApi)).ok, { timeout: 5_000, interval: 50 }).toBe(true);
    // Within carol's own limit, but a third stream for the tenant: refused by the second scope…
    expect(await subscribe(carolOnSecond, selectors.teamA)).toEqual(tenantLimit);
    // …and nothing was held for it in the first: carol still has room for one more subscription.
    expect((await subscribe(carolOnSecond, selectors.checkoutApi)).ok).toBe(true);
    expect(await subscribe(carolOnFirst, selectors.checkoutApi)).toEqual(userLimit);
  });
});
