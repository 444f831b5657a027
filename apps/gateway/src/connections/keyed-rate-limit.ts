// Token buckets by key (a client address, a failing token's fingerprint) in a bounded map: a key
// is remembered only until its bucket would be full again, and at most `maxKeys` at once (the
// least recently used forgotten first), so a flood of distinct keys costs bounded memory. Same
// bucket math as the subscribe rate: refused attempts take a token too.
import { ExpiringCache } from '@tailgate/plugin-sdk';

import type { RateLimit } from '../quotas/quota-subject';
import { type BucketState, msPerToken, takeToken, tokensAt } from '../quotas/token-bucket';

interface Entry {
  readonly bucket: BucketState;
  /** The last attempt was refused. */
  readonly refusing: boolean;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** A refusal after this key was last allowed (or first seen): worth one log line. */
  readonly firstRefusal: boolean;
}

export class KeyedRateLimit {
  private readonly entries: ExpiringCache<Entry>;

  constructor(
    private readonly rate: RateLimit,
    maxKeys: number,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new ExpiringCache<Entry>(maxKeys, now);
  }

  /** Takes a token from `key`'s bucket. */
  take(key: string): RateDecision {
    const entry = this.entries.get(key);
    const outcome = takeToken([{ rate: this.rate, state: entry?.bucket }], this.now());
    const bucket = outcome.states[0] as BucketState;
    const allowed = outcome.refusedBy === undefined;
    this.entries.set(key, { bucket, refusing: !allowed }, fullAt(this.rate, bucket));
    return { allowed, firstRefusal: !allowed && entry?.refusing !== true };
  }

  /** Whether the next `take` would be refused; takes nothing. */
  exhausted(key: string): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && tokensAt({ rate: this.rate, state: entry.bucket }, this.now()) < 1;
  }

  /** Keys remembered now. */
  get size(): number {
    return this.entries.size;
  }
}

/** When a bucket holds `burst` tokens again, so forgetting it then changes nothing. */
function fullAt(rate: RateLimit, bucket: BucketState): number {
  return bucket.at + Math.ceil((rate.burst - bucket.tokens) * msPerToken(rate));
}
