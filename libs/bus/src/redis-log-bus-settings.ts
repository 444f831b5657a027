// Settings of RedisLogBus, with their defaults; parsed once where the bus is created.
import { z } from 'zod';

import { RedisConnectionSettingsSchema } from './redis-connection-settings';
import { ReplaySettingsSchema } from './replay-settings';
import { DEFAULT_KEY_PREFIX } from './stream-channels';

const RedisUrlSchema = z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL');

export const RedisLogBusSettingsSchema = RedisConnectionSettingsSchema.extend({
  /**
   * Redis URL (`redis://` or `rediss://`, optionally with user, password and database). With
   * `cluster`, a seed node of the cluster (the database is ignored). Required.
   */
  url: RedisUrlSchema.describe('Redis URL; the password is never logged.'),
  /**
   * Namespace of this deployment's channels: the bus refuses channels that do not start with it,
   * so two deployments (or test files) sharing one Redis cannot hear each other. Name channels
   * with `recordsChannel(keyPrefix, streamKey)`. Default `tailgate:`.
   */
  keyPrefix: z
    .string()
    .min(1)
    .regex(/^[^{}]*$/, 'no "{" or "}" (they would move the Redis Cluster hash tag)')
    .default(DEFAULT_KEY_PREFIX)
    .describe('Every channel this bus publishes or subscribes to must start with this prefix.'),
  /**
   * `url` (and `clusterNodes`) are seed nodes of a Redis Cluster (7.0+): sharded pub/sub
   * (SPUBLISH/SSUBSCRIBE) with one subscriber connection per shard that holds channels. Off, the
   * bus uses PUBLISH/SUBSCRIBE on one Redis. Default false.
   */
  cluster: z.boolean().default(false).describe('Treat `url` as a seed node of a Redis Cluster and use sharded pub/sub.'),
  /** Further seed nodes, tried when `url` is unreachable at start; the rest are discovered. Cluster only. Default none. */
  clusterNodes: z.array(RedisUrlSchema).default([]).describe('Further Redis Cluster seed nodes besides `url`.'),
  /** Bounds of each channel's replay buffer (a Redis stream named like the channel). */
  replay: ReplaySettingsSchema,
}).refine((settings) => settings.cluster || settings.clusterNodes.length === 0, {
  path: ['clusterNodes'],
  message: 'seed nodes need cluster: true',
});

export type RedisLogBusSettings = z.output<typeof RedisLogBusSettingsSchema>;
export type RedisLogBusSettingsInput = z.input<typeof RedisLogBusSettingsSchema>;
