// RedisSharedState on a real redis-server and a real Redis Cluster, against the same behaviour as
// the SDK's MemorySharedState: the worker and the gateway replicas see one state.
import { randomUUID } from 'node:crypto';

import { MemorySharedState, type SharedState } from '@tailgate/plugin-sdk';
import { type RedisCluster, type RedisServer, startRedisCluster, startRedisServer } from '@tailgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { clusterKeySlot } from './cluster-key-slot';
import { closeRedisConnection, createRedisClient, createRedisConnections } from './redis-connections';
import { RedisSharedState } from './redis-shared-state';

type MakeState = () => { state: SharedState; prefix: string };

function describeSharedState(name: string, make: () => MakeState): void {
  describe(`SharedState: ${name}`, () => {
    it('lists the members renewed within their ttl, and drops each once its ttl passed unrenewed', async () => {
      const { state } = make()();
      await state.renew('flow-tap:listeners', 'replica-a', 60_000);
      await state.renew('flow-tap:listeners', 'replica-b', 150);
      expect((await state.members('flow-tap:listeners')).sort()).toEqual(['replica-a', 'replica-b']);
      await expect.poll(() => state.members('flow-tap:listeners'), { timeout: 5_000, interval: 25 }).toEqual(['replica-a']);
      await state.renew('flow-tap:listeners', 'replica-b', 60_000);
      await state.remove('flow-tap:listeners', 'replica-a');
      expect(await state.members('flow-tap:listeners')).toEqual(['replica-b']);
      expect(await state.members('flow-tap:nobody')).toEqual([]);
    });

    it('renewing a member moves its expiry later', async () => {
      const { state } = make()();
      await state.renew('s', 'm', 200);
      await state.renew('s', 'm', 60_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await state.members('s')).toEqual(['m']);
    });

    it('keeps values until deleted, and counts from 1', async () => {
      const { state } = make()();
      expect(await state.get('flow-tap:secret')).toBeUndefined();
      await state.set('flow-tap:secret', 'v1');
      await state.set('flow-tap:secret', 'v2');
      expect(await state.get('flow-tap:secret')).toBe('v2');
      await state.delete('flow-tap:secret');
      expect(await state.get('flow-tap:secret')).toBeUndefined();
      expect([await state.increment('n'), await state.increment('n'), await state.increment('n')]).toEqual([1, 2, 3]);
    });
  });
}

describeSharedState('memory', () => () => ({ state: new MemorySharedState(), prefix: '' }));

describe('RedisSharedState', () => {
  let server: RedisServer;
  let cluster: RedisCluster;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    [server, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
    await Promise.all([server.stop(), cluster.stop()]);
  }, 30_000);

  const onServer = (): MakeState => () => {
    const redis = createRedisConnections(server.url, { role: 'commands', connectionNamePrefix: 'shared-state-spec' });
    closers.push(() => closeRedisConnection(redis));
    const prefix = `test:${randomUUID()}:`;
    return { state: new RedisSharedState(redis, prefix), prefix };
  };
  const onCluster = (): MakeState => () => {
    const [url = '', ...clusterNodes] = cluster.urls;
    const redis = createRedisClient({ url, cluster: true, clusterNodes }, { role: 'commands', connectionNamePrefix: 'shared-state-spec' });
    closers.push(() => closeRedisConnection(redis));
    const prefix = `test:${randomUUID()}:`;
    return { state: new RedisSharedState(redis, prefix), prefix };
  };

  describeSharedState('redis', onServer);
  describeSharedState('redis cluster', onCluster);

  it('keeps each name under <keyPrefix>plugins:, a set expiring with its last member', async () => {
    const { state, prefix } = onServer()();
    const admin = createRedisConnections(server.url, { role: 'commands', connectionNamePrefix: 'shared-state-spec-admin' });
    closers.push(() => closeRedisConnection(admin));
    await state.renew('flow-tap:wanted', 'a', 400);
    await state.renew('flow-tap:wanted', 'b', 100);
    await state.set('flow-tap:tap', 'x');
    expect((await admin.keys(`${prefix}*`)).sort()).toEqual([`${prefix}plugins:flow-tap:tap`, `${prefix}plugins:flow-tap:wanted`]);
    expect(await admin.zscore(`${prefix}plugins:flow-tap:wanted`, 'a')).not.toBeNull();
    expect(await admin.pttl(`${prefix}plugins:flow-tap:wanted`)).toBeGreaterThan(300);
    await expect.poll(() => admin.exists(`${prefix}plugins:flow-tap:wanted`), { timeout: 5_000, interval: 25 }).toBe(0);
    expect(await admin.pttl(`${prefix}plugins:flow-tap:tap`)).toBe(-1);
  });

  it('works on names of any slot of a cluster', async () => {
    const { state, prefix } = onCluster()();
    const names = Array.from({ length: 30 }, (_, i) => `n${i}`);
    expect(new Set(names.map((n) => cluster.nodeForSlot(clusterKeySlot(`${prefix}plugins:${n}`)))).size).toBe(cluster.nodes.length);
    await Promise.all(names.map((n) => state.renew(n, 'm', 60_000)));
    expect(await Promise.all(names.map((n) => state.members(n)))).toEqual(names.map(() => ['m']));
  });
});
