// The subscribe-rate token bucket, pure: a full bucket holds `burst` tokens and refills at
// `perMinute`. Every request takes a token from each of its buckets, refused ones included:
// a refused request empties what had refilled so far, so a client hammering faster than the
// refill rate stays refused until it pauses. The Redis store's Lua script does the same math.
import type { RateLimit } from './quota-subject';

export interface BucketState {
  readonly tokens: number;
  /** Clock time of `tokens`. */
  readonly at: number;
}

export interface BucketTake {
  readonly rate: RateLimit;
  /** Undefined: never used (or forgotten), so full. */
  readonly state: BucketState | undefined;
}

export interface BucketOutcome {
  /** Index of the first bucket that had no whole token; undefined when the request is allowed. */
  readonly refusedBy: number | undefined;
  /** The buckets after this request, in the order given. */
  readonly states: readonly BucketState[];
  /** When refused: how long until every bucket holds a whole token again, if nothing else is taken. */
  readonly retryAfterMs: number;
}

export function msPerToken(rate: RateLimit): number {
  return 60_000 / rate.perMinute;
}

/** Tokens in a bucket at `now`; a clock that went back refills nothing. */
export function tokensAt(take: BucketTake, now: number): number {
  if (!take.state) return take.rate.burst;
  const elapsed = Math.max(0, now - take.state.at);
  return Math.min(take.rate.burst, take.state.tokens + elapsed / msPerToken(take.rate));
}

/** Takes one token from every bucket: allowed when each had a whole one. */
export function takeToken(takes: readonly BucketTake[], now: number): BucketOutcome {
  const before = takes.map((take) => tokensAt(take, now));
  const refused = before.findIndex((tokens) => tokens < 1);
  const states = takes.map((take, i) => ({ tokens: Math.max(0, (before[i] as number) - 1), at: Math.max(now, take.state?.at ?? now) }));
  if (refused < 0) return { refusedBy: undefined, states, retryAfterMs: 0 };
  const waits = states.map((state, i) =>
    state.tokens >= 1 ? 0 : Math.ceil((1 - state.tokens) * msPerToken((takes[i] as BucketTake).rate)),
  );
  return { refusedBy: refused, states, retryAfterMs: Math.max(...waits) };
}

/** Whether a bucket is full at `now`, so forgetting it changes nothing. */
export function isFull(take: BucketTake, now: number): boolean {
  return tokensAt(take, now) >= take.rate.burst;
}
