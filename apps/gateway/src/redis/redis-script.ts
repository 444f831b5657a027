// One Lua script: run by its SHA1 (EVALSHA), sent in full once when the server does not know it
// yet (after a restart or SCRIPT FLUSH). On a Redis Cluster both go to the node serving the first
// key's slot, so every key of one run must share that slot (one hash tag).
import { createHash } from 'node:crypto';

import type { createRedisClient } from '@tailgate/bus';

/** One Redis, or a Redis Cluster client. */
export type RedisConnection = ReturnType<typeof createRedisClient>;

export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source, 'utf8').digest('hex');
  }

  async run(redis: RedisConnection, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
