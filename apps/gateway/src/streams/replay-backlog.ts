// Resume for sources that cannot read back themselves: the backlog comes from the stream's bus
// replay buffer (a short, bounded history of what was published on its channel). It is complete
// only when the buffer still holds the very record each resume cursor names; everything
// published after a held message is held too, so nothing after that cursor can be missing. The
// buffer holds wire records, and the backlog is made of them as they are.
import type { WireRecord, WireTarget } from '@tailgate/contracts';
import type { ReplayedMessage } from '@tailgate/bus';
import { pagesOf, type ResumePoint } from '@tailgate/plugin-sdk';

import { type BusFrame, decodeBusMessage, wireTargetKey, wireTargetOf } from '../model/bus-message';
import { resumeCursorOf } from './resume-point';
import type { WireBacklog } from './wire-backlog';

export interface ReplayBacklog {
  readonly backlog: WireBacklog;
  /** False: records after some cursor may be missing (the buffer no longer reaches back to it). */
  readonly complete: boolean;
}

export function replayWireBacklog(messages: readonly ReplayedMessage<BusFrame>[], after: ResumePoint): ReplayBacklog {
  const targets = new Map<string, WireTarget>();
  const held: WireRecord[] = [];
  for (const { message } of messages) {
    const decoded = decodeBusMessage(message);
    if (decoded?.t === 'records') held.push(...decoded.records);
    else if (decoded?.t === 'target' && decoded.op === 'added') targets.set(wireTargetKey(decoded.target), decoded.target);
  }
  const wanted = new Set([...after.byTarget.values(), ...(after.otherwise === undefined ? [] : [after.otherwise])]);
  const found = new Set<string>();
  const records: WireRecord[] = [];
  for (const record of held) {
    const key = wireTargetKey(record);
    const cursor = resumeCursorOf(after, key);
    if (cursor === record.cursor) found.add(cursor);
    if (cursor !== undefined && record.cursor <= cursor) continue;
    if (!targets.has(key)) targets.set(key, wireTargetOf(record));
    records.push(record);
  }
  const complete = [...wanted].every((cursor) => found.has(cursor));
  // The replay buffer is bounded and already in memory; it is handed over in pages like any backlog.
  return { backlog: { targets: [...targets.values()], pages: pagesOf(records) }, complete };
}
