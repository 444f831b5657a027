// Settings of RedisLogBus, with their defaults; parsed once where the bus is created.
import { z } from 'zod';

import { RedisConnectionSettingsSchema } from './redis-connection-settings';
import { DEFAULT_KEY_PREFIX } from './stream-channels';

export const RedisLogBusSettingsSchema = RedisConnectionSettingsSchema.extend({
  /** Redis URL (`redis://` or `rediss://`, optionally with user, password and database). Required. */
  url: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .describe('Redis URL; the password is never logged.'),
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
});

export type RedisLogBusSettings = z.output<typeof RedisLogBusSettingsSchema>;
export type RedisLogBusSettingsInput = z.input<typeof RedisLogBusSettingsSchema>;
