// Quota counts of a single replica (no Redis): holdings and rate buckets in maps. Buckets that
// have refilled completely are forgotten now and then, so the maps track active users only.
import { holdingRefusal, type ScopeUsage } from './holding-limits';
import { ALLOWED, type QuotaStore, type QuotaVerdict, refused } from './quota-store';
import { type QuotaScope, type QuotaSubject, rateLimitedScopes } from './quota-subject';
import { type BucketTake, isFull, takeToken } from './token-bucket';

interface ScopeHoldings {
  subscriptions: number;
  /** Stream id → subscriptions holding it. */
  readonly streams: Map<string, number>;
}

const SWEEP_EVERY = 1_000;

export class InMemoryQuotaStore implements QuotaStore {
  private readonly holdings = new Map<string, ScopeHoldings>();
  private readonly buckets = new Map<string, BucketTake>();
  private takesSinceSweep = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  async takeSubscribeToken(subject: QuotaSubject): Promise<QuotaVerdict> {
    const now = this.clock();
    const limited = rateLimitedScopes(subject).map(({ scope, rate }) => {
      const key = keyOf(subject, scope);
      return { scope, key, take: { rate, state: this.buckets.get(key)?.state } };
    });
    const takes = limited.map((bucket) => bucket.take);
    const outcome = takeToken(takes, now);
    limited.forEach(({ key, take }, i) => this.buckets.set(key, { rate: take.rate, state: outcome.states[i] }));
    this.sweep(now);
    const refusing = outcome.refusedBy === undefined ? undefined : limited[outcome.refusedBy];
    if (!refusing) return ALLOWED;
    const { scope, take } = refusing;
    return refused({ limit: 'subscribeRate', scope: scope.kind, max: take.rate.perMinute, retryAfterMs: outcome.retryAfterMs });
  }

  async acquire(subject: QuotaSubject, streamId: string): Promise<QuotaVerdict> {
    for (const scope of subject.scopes) {
      const refusal = holdingRefusal(scope, usageOf(this.holdings.get(keyOf(subject, scope)), streamId));
      if (refusal) return refused(refusal);
    }
    for (const scope of subject.scopes) {
      const key = keyOf(subject, scope);
      const holdings = this.holdings.get(key) ?? { subscriptions: 0, streams: new Map<string, number>() };
      holdings.subscriptions++;
      holdings.streams.set(streamId, (holdings.streams.get(streamId) ?? 0) + 1);
      this.holdings.set(key, holdings);
    }
    return ALLOWED;
  }

  async release(subject: QuotaSubject, streamId: string): Promise<void> {
    for (const scope of subject.scopes) {
      const key = keyOf(subject, scope);
      const holdings = this.holdings.get(key);
      const count = holdings?.streams.get(streamId);
      if (!holdings || count === undefined) continue;
      if (count > 1) holdings.streams.set(streamId, count - 1);
      else holdings.streams.delete(streamId);
      if (--holdings.subscriptions === 0) this.holdings.delete(key);
    }
  }

  async close(): Promise<void> {
    this.holdings.clear();
    this.buckets.clear();
  }

  private sweep(now: number): void {
    if (++this.takesSinceSweep < SWEEP_EVERY) return;
    this.takesSinceSweep = 0;
    for (const [key, bucket] of this.buckets) if (isFull(bucket, now)) this.buckets.delete(key);
  }
}

function keyOf(subject: QuotaSubject, scope: QuotaScope): string {
  return `${subject.tag}|${scope.key}`;
}

function usageOf(holdings: ScopeHoldings | undefined, streamId: string): ScopeUsage {
  if (!holdings) return { subscriptions: 0, streams: 0, holdsStream: false };
  return { subscriptions: holdings.subscriptions, streams: holdings.streams.size, holdsStream: holdings.streams.has(streamId) };
}
