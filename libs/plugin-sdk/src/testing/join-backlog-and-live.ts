// What a listener that takes a backlog and then the live stream from the same moment is sent: the
// backlog, then each live record above the last backlog cursor of its target. The host joins them
// this way (apps/gateway delivery-floors): a live record at or below that cursor counts as one the
// backlog carried, whichever line it holds. So every line arrives once only when a source's
// backlog gives each line the cursor the live stream gives it, and never reaches past a live
// record of the same target that it does not hold.
import { type LogRecord, targetKey } from '../records';

export function joinBacklogAndLive(backlog: readonly LogRecord[], live: readonly LogRecord[]): LogRecord[] {
  const floors = new Map<string, string>();
  for (const record of backlog) {
    const key = targetKey(record.target);
    const floor = floors.get(key);
    if (floor === undefined || record.cursor > floor) floors.set(key, record.cursor);
  }
  const after = live.filter((record) => {
    const floor = floors.get(targetKey(record.target));
    return floor === undefined || record.cursor > floor;
  });
  return [...backlog, ...after];
}
