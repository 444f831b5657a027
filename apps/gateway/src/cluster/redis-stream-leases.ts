// Stream leases and demand on Redis: which replica runs each stream's upstream, which replicas
// have listeners for it, and where a new holder resumes. One `commands` connection (or cluster
// client) per replica; each operation is one script on the keys of one stream, which share its
// hash tag, so on a Redis Cluster every script runs whole on one shard (see stream-lease-keys).
import { randomBytes } from 'node:crypto';

import {
  assertKeyPrefix,
  closeRedisConnection,
  createRedisClient,
  type RedisConnectionErrorReporter,
  type RedisEndpoint,
} from '@tailgate/bus';
import { z } from 'zod';

import { type RedisConnection, RedisScript } from '../redis/redis-script';
import { FENCE_TTL_MS } from '../model/fencing-token';
import { type LeaseTick, parseLeaseTick, type StreamLease } from './lease-tick';
import { RECORD_CURSORS, RELEASE, TICK } from './stream-lease-scripts';
import { type StreamLeaseKeys, streamLeaseKeys } from './stream-lease-keys';

/** `url` (with `cluster` and `clusterNodes` on a Redis Cluster): where the leases live. */
export interface RedisStreamLeasesOptions extends RedisEndpoint {
  /** `redis.keyPrefix`; must not contain `{` or `}`. */
  readonly keyPrefix: string;
  /** How long a lease lasts unrenewed. */
  readonly leaseTtlMs: number;
  /** How long a replica's demand lasts without a heartbeat. */
  readonly demandTtlMs: number;
  /** Hears the first error of each Redis connection outage. */
  readonly onConnectionError?: RedisConnectionErrorReporter;
}

export type ReleaseOutcome = 'released' | 'not_ours' | 'wanted';

const SCRIPTS = { tick: new RedisScript(TICK), release: new RedisScript(RELEASE), record: new RedisScript(RECORD_CURSORS) };
const ReleaseReplySchema = z.union([z.literal(1), z.literal(0), z.literal(-1)]);

export class RedisStreamLeases {
  /** Names this replica in leases and demand; new on every start. */
  readonly replicaId = randomBytes(8).toString('hex');
  private readonly redis: RedisConnection;

  constructor(private readonly options: RedisStreamLeasesOptions) {
    assertKeyPrefix(options.keyPrefix);
    this.redis = createRedisClient(options, {
      role: 'commands',
      ...(options.onConnectionError && { onError: options.onConnectionError }),
    });
  }

  /** The keys of one stream; compute them once per stream. */
  keysOf(streamKey: string): StreamLeaseKeys {
    return streamLeaseKeys(this.options.keyPrefix, streamKey);
  }

  /** Records (wants) or withdraws this replica's demand, then renews `held` or, wanting, tries to take the lease. */
  async tick(keys: StreamLeaseKeys, wants: boolean, held: StreamLease | undefined): Promise<LeaseTick> {
    const { leaseTtlMs, demandTtlMs } = this.options;
    const args = [this.replicaId, held?.value ?? '', wants ? 1 : 0, leaseTtlMs, demandTtlMs, this.upstreamTtlMs(), FENCE_TTL_MS];
    const reply = await SCRIPTS.tick.run(this.redis, [keys.lease, keys.fence, keys.demand, keys.upstream], args);
    return parseLeaseTick(reply, this.replicaId);
  }

  /**
   * Gives the lease back if it is still ours. `forget` drops the resume state (the stream ended
   * here); `ifIdle` keeps the lease when some replica has demand again.
   */
  async release(keys: StreamLeaseKeys, held: StreamLease, options: { forget: boolean; ifIdle: boolean }): Promise<ReleaseOutcome> {
    const args = [held.value, options.forget ? 1 : 0, options.ifIdle ? 1 : 0];
    const reply = ReleaseReplySchema.parse(await SCRIPTS.release.run(this.redis, [keys.lease, keys.demand, keys.upstream], args));
    return reply === 1 ? 'released' : reply === 0 ? 'not_ours' : 'wanted';
  }

  /**
   * The last published cursor per target, for the next holder; ignored once the lease is not
   * ours. The command is written before this returns, so calling it right after a publish
   * pipelines the two.
   */
  async recordCursors(keys: StreamLeaseKeys, held: StreamLease, cursors: ReadonlyMap<string, string>): Promise<boolean> {
    if (cursors.size === 0) return true;
    const args = [held.value, this.upstreamTtlMs(), ...[...cursors].flat()];
    return (await SCRIPTS.record.run(this.redis, [keys.lease, keys.upstream], args)) === 1;
  }

  close(): Promise<void> {
    return closeRedisConnection(this.redis);
  }

  /** Resume state outlives a dead holder long enough for a replica with demand to take over (within 2 lease TTLs). */
  private upstreamTtlMs(): number {
    return 3 * this.options.leaseTtlMs;
  }
}
