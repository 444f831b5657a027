// The plugins' SharedState (@tailgate/plugin-sdk) on Redis, shared by the gateway replicas and the
// worker: each name is one key `<keyPrefix>plugins:<name>`, a set is a sorted set of members
// scored by when they expire. Every call touches one key (a one-key script at most), so it works
// on Redis Cluster as on one server. Expiry is judged by the Redis server's clock, never by the
// callers' (processes' clocks drift); a set's key expires with its last member.
import type { Cluster, Redis } from 'ioredis';

/** Where plugins' names live under `redis.keyPrefix`, as their bus channels do. */
export const PLUGIN_STATE_PREFIX = 'plugins:';

// Both scripts read the server's time and drop expired members before answering.
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const RENEW_SCRIPT = `${NOW}
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`;

const MEMBERS_SCRIPT = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)`;

/** Implements the SDK's `SharedState` (by shape: this library does not depend on the SDK). */
export class RedisSharedState {
  private readonly prefix: string;

  /** `redis` is the caller's (a `commands` connection); closing it is the caller's too. */
  constructor(
    private readonly redis: Redis | Cluster,
    keyPrefix: string,
  ) {
    this.prefix = `${keyPrefix}${PLUGIN_STATE_PREFIX}`;
  }

  async renew(set: string, member: string, ttlMs: number): Promise<void> {
    if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new RangeError(`ttlMs must be a positive integer, not ${ttlMs}`);
    await this.redis.eval(RENEW_SCRIPT, 1, this.key(set), member, ttlMs);
  }

  async remove(set: string, member: string): Promise<void> {
    await this.redis.zrem(this.key(set), member);
  }

  async members(set: string): Promise<string[]> {
    const reply = await this.redis.eval(MEMBERS_SCRIPT, 1, this.key(set));
    return Array.isArray(reply) ? reply.map(String) : [];
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.key(key))) ?? undefined;
  }

  async set(key: string, value: string): Promise<void> {
    await this.redis.set(this.key(key), value);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }

  async increment(key: string): Promise<number> {
    return this.redis.incr(this.key(key));
  }

  private key(name: string): string {
    return this.prefix + name;
  }
}
