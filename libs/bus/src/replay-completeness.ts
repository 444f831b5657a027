// Whether a replay returns everything a caller missed: the rule both buses share, so a gap is
// reported identically whether the buffer lives in Redis or in this process.
import { compareMessageIds, type MessageId } from './message-ids';

/** What a channel's replay buffer knows about its own history. */
export interface ReplayBufferBounds {
  /** Oldest message still held; undefined when it holds none. */
  readonly firstId: MessageId | undefined;
  /** Newest message ever dropped (trimmed by count or age); `0-0` while none was. */
  readonly maxDroppedId: MessageId;
}

export const NONE_DROPPED: MessageId = '0-0';

/**
 * True when the messages after `afterId` that the buffer holds are all that were published after it.
 * - No buffer (never published, expired while idle, or lost with a Redis node): nothing is known
 *   about what followed `afterId`, so only a replay from the start (no `afterId`) is complete.
 * - Something was dropped: complete only if the caller already had the newest dropped message.
 * - Nothing was dropped: the buffer holds its whole history, which starts at `firstId`; an older
 *   `afterId` comes from an earlier buffer (before an expiry or a Redis restart), so a gap is possible.
 */
export function isReplayComplete(afterId: MessageId | undefined, bounds: ReplayBufferBounds | undefined): boolean {
  if (bounds === undefined) return afterId === undefined;
  if (bounds.maxDroppedId !== NONE_DROPPED) return afterId !== undefined && compareMessageIds(afterId, bounds.maxDroppedId) >= 0;
  if (afterId === undefined) return true;
  return bounds.firstId !== undefined && compareMessageIds(afterId, bounds.firstId) >= 0;
}
