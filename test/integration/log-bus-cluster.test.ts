// RedisLogBus on a real three-master Redis Cluster (sharded pub/sub): the LogBus conformance
// suite, channels spread over the shards (each SSUBSCRIBEd on its own shard, its replay stream
// there too), and recovery when the node holding a channel restarts.
import { randomUUID } from 'node:crypto';

import {
  closeRedisConnection,
  createRedisConnections,
  recordsChannel,
  RedisLogBus,
  type ConnectionState,
  type RedisLogBusOptions,
} from '@tailgate/bus';
import { describeLogBus, MessageInbox, nextConnectionState } from '@tailgate/bus/testing';
import type { RedisClusterNode } from '@tailgate/testing';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { useRedisCluster } from '../support/redis-cluster-suite';

const runId = randomUUID().slice(0, 8);
const keyPrefix = `test:log-bus-cluster:${runId}:`;
const replay = { maxMessages: 5 };

const running = useRedisCluster();

function clusterBus(options: Partial<RedisLogBusOptions> = {}): RedisLogBus {
  const [url = '', ...clusterNodes] = running().urls;
  return new RedisLogBus({ url, clusterNodes, cluster: true, keyPrefix, replay, ...options });
}

describeLogBus('redis cluster', (hooks) => clusterBus(hooks), { channelPrefix: keyPrefix, replayMaxMessages: replay.maxMessages });

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function busForThisTest(options: Partial<RedisLogBusOptions> = {}): RedisLogBus {
  const bus = clusterBus({ onConnectionError: vi.fn(), ...options });
  cleanups.push(() => bus.close());
  return bus;
}

/** A plain connection to one node, for node-local questions (PUBSUB, CLIENT LIST, EXISTS). */
function adminOn(node: RedisClusterNode): Redis {
  const admin = createRedisConnections(node.url, { role: 'commands', connectionNamePrefix: `log-bus-cluster-${runId}-admin` });
  cleanups.push(() => closeRedisConnection(admin));
  return admin;
}

/** The node serving `name`, by the cluster's own CLUSTER KEYSLOT. */
async function ownerOf(admin: Redis, name: string): Promise<RedisClusterNode> {
  return running().nodeForSlot(Number(await admin.cluster('KEYSLOT', name)));
}

/** One records channel per node: stream keys are tried until every shard serves one. */
async function channelPerNode(admin: Redis): Promise<Map<RedisClusterNode, string>> {
  const channels = new Map<RedisClusterNode, string>();
  for (let i = 0; channels.size < running().nodes.length; i += 1) {
    const channel = recordsChannel(keyPrefix, `kube-pod-logs/ns/pod-${runId}-${i}/app`);
    const owner = await ownerOf(admin, channel);
    if (!channels.has(owner)) channels.set(owner, channel);
  }
  return channels;
}

async function shardSubscribers(admin: Redis, channel: string): Promise<number> {
  const reply: unknown = await admin.call('PUBSUB', 'SHARDNUMSUB', channel);
  if (!Array.isArray(reply) || reply[0] !== channel) throw new Error(`unexpected PUBSUB SHARDNUMSUB reply ${JSON.stringify(reply)}`);
  return Number(reply[1]);
}

async function plainSubscribers(admin: Redis, channel: string): Promise<number> {
  const reply: unknown = await admin.pubsub('NUMSUB', channel);
  return Array.isArray(reply) ? Number(reply[1]) : Number.NaN;
}

async function connectionsNamed(admin: Redis, name: string): Promise<number> {
  const list = String(await admin.client('LIST'));
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
}

describe('RedisLogBus on a Redis Cluster', () => {
  it('subscribes each channel on the shard serving its slot, keeps its replay stream there, and delivers from every shard', async () => {
    const nodes = running().nodes;
    const admins = new Map(nodes.map((node) => [node, adminOn(node)]));
    const channels = await channelPerNode(admins.get(nodes[0] as RedisClusterNode) as Redis);
    const connectionNamePrefix = `sharded-${runId}`;
    const [publisher, subscriber] = [busForThisTest(), busForThisTest({ connectionNamePrefix })];
    const inboxes = new Map<string, MessageInbox>();
    for (const channel of channels.values()) {
      const inbox = new MessageInbox(channel);
      await subscriber.subscribe(channel, inbox.handler);
      inboxes.set(channel, inbox);
    }
    for (const channel of channels.values()) await publisher.publish(channel, `on ${channel}`);
    for (const [channel, inbox] of inboxes) expect(await inbox.waitFor(1)).toEqual([`on ${channel}`]);

    for (const [owner, channel] of channels) {
      for (const [node, admin] of admins) {
        const sharded = await shardSubscribers(admin, channel);
        expect({ node: node.port, sharded, plain: await plainSubscribers(admin, channel) }).toEqual({
          node: node.port,
          sharded: node === owner ? 1 : 0,
          plain: 0,
        });
      }
      const ownerAdmin = admins.get(owner) as Redis;
      // Node-local: the owner answers for its own slot and holds the replay stream.
      expect(await ownerAdmin.type(channel)).toBe('stream');
      expect(await connectionsNamed(ownerAdmin, `${connectionNamePrefix}:subscriber`)).toBe(1);
    }
  });

  it('re-subscribes a channel after the node holding it restarts: down, SSUBSCRIBE again, up', async () => {
    const nodes = running().nodes;
    const node = nodes[1] as RedisClusterNode;
    const channel = [...(await channelPerNode(adminOn(nodes[0] as RedisClusterNode))).entries()].find(([owner]) => owner === node)?.[1];
    if (channel === undefined) throw new Error('no channel on the node to restart');
    const [publisher, subscriber] = [busForThisTest(), busForThisTest()];
    const inbox = new MessageInbox(channel);
    await subscriber.subscribe(channel, inbox.handler);
    await publisher.publish(channel, 'before the restart');
    await inbox.waitFor(1);
    const states: ConnectionState[] = [];
    subscriber.onConnectionChange((state) => states.push(state));
    const [down, up] = [nextConnectionState(subscriber, 'down'), nextConnectionState(subscriber, 'up')];

    const pidBefore = node.pid;
    await node.restart();
    expect(node.pid).not.toBe(pidBefore);
    await down;
    await up;
    expect(await shardSubscribers(adminOn(node), channel)).toBe(1);
    await adminOn(node).spublish(channel, 'from another process');
    await publisher.publish(channel, 'after the restart');
    expect(await inbox.waitFor(3)).toEqual(['before the restart', 'from another process', 'after the restart']);
    expect(states).toEqual(['down', 'up']);

    // The node kept no data: the replay buffer starts over, so whoever had only the first message has a gap.
    const [idBefore, , idAfter] = inbox.ids;
    expect(idAfter).toBeDefined();
    expect(await subscriber.replay(channel, idBefore)).toEqual({
      messages: [{ id: idAfter, message: 'after the restart' }],
      complete: false,
    });
  });

  // Last in this file: it leaves one slot on another node than `nodeForSlot` says.
  it('follows a channel whose slot moves to another shard, and the replay stream moves with it', async () => {
    const [, target, source] = running().nodes as [RedisClusterNode, RedisClusterNode, RedisClusterNode];
    const [sourceAdmin, targetAdmin] = [adminOn(source), adminOn(target)];
    const channel = (await channelPerNode(sourceAdmin)).get(source) ?? '';
    const subscriber = busForThisTest();
    const inbox = new MessageInbox(channel);
    await subscriber.subscribe(channel, inbox.handler);
    await subscriber.publish(channel, 'before the move');
    await inbox.waitFor(1);
    const states: ConnectionState[] = [];
    subscriber.onConnectionChange((state) => states.push(state));
    const [down, up] = [nextConnectionState(subscriber, 'down'), nextConnectionState(subscriber, 'up')];

    await moveSlot(Number(await sourceAdmin.cluster('KEYSLOT', channel)), sourceAdmin, targetAdmin, target.port);
    // The first publish meets MOVED, which makes the bus learn the new slot map and follow it.
    await subscriber.publish(channel, 'while moving');
    await down;
    await up;
    await subscriber.publish(channel, 'after the move');
    await inbox.waitForMessage('after the move');
    expect(states).toEqual(['down', 'up']);
    expect([await shardSubscribers(sourceAdmin, channel), await shardSubscribers(targetAdmin, channel)]).toEqual([0, 1]);
    // Whatever the move cost live, the replay stream (migrated with the slot) still has it.
    const replayed = await subscriber.replay(channel, inbox.ids[0]);
    expect(replayed.complete).toBe(true);
    expect(replayed.messages.map(({ message }) => message)).toEqual(['while moving', 'after the move']);
  });
});

/** Migrates one slot, keys included, the way redis-cli --cluster reshard does. */
async function moveSlot(slot: number, source: Redis, target: Redis, targetPort: number): Promise<void> {
  const [sourceId, targetId] = [String(await source.cluster('MYID')), String(await target.cluster('MYID'))];
  await target.cluster('SETSLOT', slot, 'IMPORTING', sourceId);
  await source.cluster('SETSLOT', slot, 'MIGRATING', targetId);
  const keys = await source.cluster('GETKEYSINSLOT', slot, 1_000);
  if (keys.length > 0) await source.call('MIGRATE', '127.0.0.1', targetPort, '', 0, 5_000, 'KEYS', ...keys);
  await target.cluster('SETSLOT', slot, 'NODE', targetId);
  await source.cluster('SETSLOT', slot, 'NODE', targetId);
}
