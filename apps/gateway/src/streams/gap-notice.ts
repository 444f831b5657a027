// What one listener is told at a gap: only about the containers it may see, so a gap never
// reveals a target (or how busy it is) to someone denied it.
import { type GapCount, type GapEvent, gapEvent, type GapReason } from '@tailgate/contracts';

import { wireTargetKey } from '../model/bus-message';

/**
 * The `gap` event for one listener; undefined when the gap concerns only containers it may not
 * see. Without `missed` (what was lost is unknown) every listener is told.
 */
export function gapFor(
  sub: string,
  reason: GapReason,
  missed: readonly GapCount[] | undefined,
  mayRead: (targetKey: string) => boolean,
): GapEvent | undefined {
  if (missed === undefined) return gapEvent(sub, reason, undefined);
  const visible = missed.filter(({ target }) => mayRead(wireTargetKey(target)));
  return visible.length === 0 ? undefined : gapEvent(sub, reason, visible);
}
