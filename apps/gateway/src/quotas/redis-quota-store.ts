// Quota counts shared by every replica on one Redis or a Redis Cluster. Each check-and-count is
// one Lua script on the keys of one subject: its user scope and its tenant scope share the
// subject's hash tag (the tenant's, see quota-subject.ts), so on a cluster too the script runs
// whole on one shard, and a subscription is held in every scope or in none, atomically. Every
// replica's holdings are kept apart in the scope's hash and expire with the replica's heartbeat,
// so a killed replica's subscriptions stop counting after `holdingTtlMs` (see redis-quota-scripts.ts).
import { randomBytes } from 'node:crypto';

import {
  assertKeyPrefix,
  closeRedisConnection,
  createRedisClient,
  type RedisConnectionErrorReporter,
  type RedisEndpoint,
} from '@tailgate/bus';
import { z } from 'zod';

import { ALLOWED, type QuotaStore, type QuotaVerdict, refused } from './quota-store';
import { type QuotaScope, type QuotaSubject, rateLimitedScopes } from './quota-subject';
import { ReplicaShares, type ScopeShare, syncArguments } from './replica-shares';
import { ACQUIRE, HEARTBEAT, RELEASE, SYNC, TAKE_TOKEN } from './redis-quota-scripts';
import { type RedisConnection, RedisScript } from '../redis/redis-script';

/** `url` (with `cluster` and `clusterNodes` on a Redis Cluster): where the counts live. */
export interface RedisQuotaStoreOptions extends RedisEndpoint {
  /** `redis.keyPrefix`; must not contain `{` or `}`. */
  readonly keyPrefix: string;
  /** How long a replica's holdings outlive its last heartbeat. */
  readonly holdingTtlMs: number;
  /** Default `Date.now`. Replica clocks should agree (NTP): skew shifts expiry and refill by as much. */
  readonly clock?: () => number;
  /** Beat every third of `holdingTtlMs` (default true); tests that move a fake clock call `heartbeat()`. */
  readonly heartbeat?: boolean;
  /** Hears failures of work nobody awaits (heartbeats, syncs, closing). */
  readonly onError?: (error: unknown, operation: string) => void;
  /** Hears the first error of each Redis connection outage. */
  readonly onConnectionError?: RedisConnectionErrorReporter;
}

const SCRIPTS = {
  acquire: new RedisScript(ACQUIRE),
  release: new RedisScript(RELEASE),
  heartbeat: new RedisScript(HEARTBEAT),
  sync: new RedisScript(SYNC),
  takeToken: new RedisScript(TAKE_TOKEN),
};

const AcquireReplySchema = z.union([z.tuple([z.literal(0)]), z.tuple([z.number().int().min(1), z.enum(['subscriptions', 'streams'])])]);
const TakeTokenReplySchema = z.tuple([z.number().int().min(0), z.number().int().min(0)]);

export function quotaKeys(prefix: string, subject: QuotaSubject, scope: QuotaScope) {
  const base = `${prefix}{${subject.tag}}:quota:${scope.key}`;
  return { hold: `${base}:holds`, replicas: `${base}:replicas`, rate: `${base}:rate` };
}

export class RedisQuotaStore implements QuotaStore {
  /** Names this replica's share in every scope. */
  readonly replicaId = randomBytes(8).toString('hex');
  private readonly redis: RedisConnection;
  private readonly shares = new ReplicaShares();
  private readonly clock: () => number;
  private readonly timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: RedisQuotaStoreOptions) {
    assertKeyPrefix(options.keyPrefix);
    this.clock = options.clock ?? Date.now;
    this.redis = createRedisClient(options, {
      role: 'commands',
      ...(options.onConnectionError && { onError: options.onConnectionError }),
    });
    if (options.heartbeat !== false) {
      this.timer = setInterval(() => void this.heartbeat(), Math.floor(options.holdingTtlMs / 3));
      this.timer.unref();
    }
  }

  async takeSubscribeToken(subject: QuotaSubject): Promise<QuotaVerdict> {
    const limited = rateLimitedScopes(subject);
    if (limited.length === 0) return ALLOWED;
    const keys = limited.map(({ scope }) => quotaKeys(this.options.keyPrefix, subject, scope).rate);
    const args = [this.clock(), ...limited.flatMap(({ rate }) => [rate.perMinute, rate.burst])];
    const [index, retryAfterMs] = TakeTokenReplySchema.parse(await SCRIPTS.takeToken.run(this.redis, keys, args));
    const refusing = limited[index - 1];
    if (!refusing) return ALLOWED;
    return refused({ limit: 'subscribeRate', scope: refusing.scope.kind, max: refusing.rate.perMinute, retryAfterMs });
  }

  async acquire(subject: QuotaSubject, streamId: string): Promise<QuotaVerdict> {
    const shares = subject.scopes.map((scope) => {
      const { hold, replicas } = quotaKeys(this.options.keyPrefix, subject, scope);
      return this.shares.of(hold, replicas);
    });
    const limits = subject.scopes.flatMap(({ limits }) => [limits.maxSubscriptions ?? -1, limits.maxStreams ?? -1]);
    const reply = await this.tracked(shares, () =>
      SCRIPTS.acquire.run(this.redis, keysOf(shares), [this.replicaId, streamId, this.clock(), this.options.holdingTtlMs, ...limits]),
    );
    const parsed = AcquireReplySchema.parse(reply);
    if (parsed.length === 1) {
      for (const share of shares) this.shares.add(share, streamId);
      return ALLOWED;
    }
    const [index, limit] = parsed;
    const scope = subject.scopes[index - 1] as QuotaScope;
    const max = (limit === 'subscriptions' ? scope.limits.maxSubscriptions : scope.limits.maxStreams) ?? 0;
    return refused({ limit, scope: scope.kind, max });
  }

  async release(subject: QuotaSubject, streamId: string): Promise<void> {
    const shares = subject.scopes.flatMap((scope) => {
      const share = this.shares.find(quotaKeys(this.options.keyPrefix, subject, scope).hold);
      return share && this.shares.remove(share, streamId) ? [share] : [];
    });
    if (shares.length === 0) return;
    await this.tracked(shares, () => SCRIPTS.release.run(this.redis, keysOf(shares), [this.replicaId, streamId]));
  }

  /** Pushes this replica's expiry forward in every scope it holds, and writes back shares Redis lost. */
  heartbeat(): Promise<void> {
    this.beating ??= this.beatAll().finally(() => (this.beating = undefined));
    return this.beating;
  }

  /** Gives back this replica's whole share in every scope, then quits the connection. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** Counts a request as in flight for its scopes; when it fails Redis may disagree, so they are written back later. */
  private async tracked<T>(shares: readonly ScopeShare[], request: () => Promise<T>): Promise<T> {
    for (const share of shares) share.pending++;
    try {
      return await request();
    } catch (error) {
      for (const share of shares) share.dirty = true;
      throw error;
    } finally {
      for (const share of shares) share.pending--;
    }
  }

  private async beatAll(): Promise<void> {
    this.shares.sweep();
    await Promise.all(this.shares.all().map((share) => this.beat(share)));
  }

  private async beat(share: ScopeShare): Promise<void> {
    try {
      if (share.dirty) return await this.sync(share);
      if (share.subscriptions === 0) return;
      const present = await SCRIPTS.heartbeat.run(this.redis, [share.hold, share.replicas], this.timing());
      if (present === 0) await this.sync(share);
    } catch (error) {
      share.dirty = true;
      this.options.onError?.(error, 'heartbeat');
    }
  }

  /** Replaces the replica's share in Redis with the local one; waits for a moment with nothing in flight. */
  private async sync(share: ScopeShare): Promise<void> {
    if (share.pending > 0) {
      share.dirty = true;
      return;
    }
    share.dirty = false;
    await SCRIPTS.sync.run(this.redis, [share.hold, share.replicas], [...this.timing(), ...syncArguments(share)]);
  }

  private timing(): (string | number)[] {
    return [this.replicaId, this.clock(), this.options.holdingTtlMs];
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    const shares = this.shares.all();
    for (const share of shares) {
      share.subscriptions = 0;
      share.streams.clear();
    }
    try {
      await Promise.all(shares.map((share) => SCRIPTS.sync.run(this.redis, [share.hold, share.replicas], [...this.timing(), 0])));
    } catch (error) {
      this.options.onError?.(error, 'close');
    }
    await closeRedisConnection(this.redis);
  }
}

function keysOf(shares: readonly ScopeShare[]): string[] {
  return shares.flatMap((share) => [share.hold, share.replicas]);
}
