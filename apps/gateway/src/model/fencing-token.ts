// The rules of fencing tokens, in one place. A stream's holder gets a token with its lease and
// stamps every message it publishes with it, so receivers can tell a deposed holder's messages:
// - Tokens only grow. Each acquisition takes the stream's counter plus one; a missing counter
//   (first use, expired, or a Redis that lost its data) starts from Redis's clock in ms, so tokens
//   keep growing across such losses, whatever the replicas' clocks say (NEXT_TOKEN_LUA).
// - A holder publishes only while its lease is surely still its own (lease-step's `validUntil`),
//   so a deposed holder falls silent within one lease TTL.
// - Receivers compare a message's token with the highest seen on its stream (fenceStanding). A
//   lower one is a deposed holder's and is dropped (FenceGate for live messages; fenceAdmission
//   for replayed ones, which never met a gate) — unless only lower ones keep coming for longer
//   than a deposed holder can publish: the counter itself went back, and the gate follows it.
// - A higher token than the one before is a takeover: the new holder resumed after the cursors
//   the previous one recorded.

/** How long a stream's counter outlives its last holder; it must never go back while replicas remember it. */
export const FENCE_TTL_MS = 86_400_000;

/**
 * Lua (inside a lease script that defines `now()`): the token of the next acquisition, from the
 * counter at key `fence`, or from Redis's clock when the counter is missing.
 */
export const NEXT_TOKEN_LUA = `
local function nextToken(fence)
  return (tonumber(redis.call('GET', fence)) or now()) + 1
end
`;

/** How long only lower tokens must come before a gate believes the counter restarted: two lease TTLs. */
export function fenceResetAfterMs(leaseTtlMs: number): number {
  return 2 * leaseTtlMs;
}

/** A message's token against the highest seen on its stream. */
export type FenceStanding =
  /** No token: the gateway runs without leases. */
  | 'unfenced'
  /** The first token seen. */
  | 'first'
  /** The token of the holder heard so far. */
  | 'same'
  /** A new holder took over. */
  | 'newer'
  /** A deposed holder's, or a counter that went back. */
  | 'older';

export function fenceStanding(fence: number | undefined, highest: number | undefined): FenceStanding {
  if (fence === undefined) return 'unfenced';
  if (highest === undefined) return 'first';
  return fence === highest ? 'same' : fence > highest ? 'newer' : 'older';
}

/**
 * What a fan-out does with a message by its token's standing: a lower token that arrived live
 * passed the gate (the counter restarted) and is followed, a replayed one is a deposed holder's.
 */
export function fenceAdmission(standing: FenceStanding, replayed: boolean): 'skip' | 'deliver' | 'takeover' {
  if (standing === 'older') return replayed ? 'skip' : 'deliver';
  return standing === 'newer' ? 'takeover' : 'deliver';
}

/** Drops what a deposed holder still publishes on one stream, and follows a counter that restarted. */
export class FenceGate {
  private highest: number | undefined;
  private lowerSince: number | undefined;

  constructor(
    private readonly resetAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a message with this token may pass; messages without one (no leases) always do. */
  admit(fence: number | undefined): boolean {
    if (fence === undefined) return true;
    if (fenceStanding(fence, this.highest) === 'older') {
      const now = this.now();
      this.lowerSince ??= now;
      if (now - this.lowerSince < this.resetAfterMs) return false;
    }
    this.highest = fence;
    this.lowerSince = undefined;
    return true;
  }
}
