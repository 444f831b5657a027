// The two ways the Redis bus finds the node for a channel: a single Redis serves every channel
// (plain SUBSCRIBE); a cluster serves each channel on the shard that owns its slot (SSUBSCRIBE).
import type { Cluster, Redis } from 'ioredis';

import type { ChannelRouter } from './channel-subscriptions';
import { clusterKeySlot } from './cluster-key-slot';

const SINGLE_NODE = 'redis';

/** Every channel on one node, whose subscriber connection opens at once and stays open. */
export function singleNodeRouter(connect: () => Redis): ChannelRouter {
  return {
    command: 'subscribe',
    pinnedNodes: [SINGLE_NODE],
    nodeOf: () => SINGLE_NODE,
    isReady: () => true,
    connect,
    refresh: () => undefined,
  };
}

/** Each channel on the master of its slot, as the cluster client last learned the slot map. */
export function clusterSlotRouter(cluster: Cluster, connect: (node: string) => Redis): ChannelRouter {
  return {
    command: 'ssubscribe',
    pinnedNodes: [],
    nodeOf: (channel) => cluster.slots[clusterKeySlot(channel)]?.[0],
    isReady: () => cluster.status === 'ready',
    connect,
    refresh: () => cluster.refreshSlotsCache(),
  };
}
