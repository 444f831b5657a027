// Sort keys for merging targets by time. A record's key is its timestamp as 20-digit epoch
// nanoseconds (so keys compare as strings whatever the fraction or zone), never below the previous
// key of its own target: a timestamp that goes backwards within a container (stdout and stderr
// are stamped apart) keeps its place, so one container's records never reorder.
import type { WireRecord } from '@tailgate/contracts';
import { toEpochNanos } from '@tailgate/plugin-sdk';

import { wireTargetKey } from '../model/bus-message';

export class TimeKeys {
  private readonly lastByTarget = new Map<string, string>();
  private last = '';

  /** The key of the next record of `targetKey`; a timestamp that does not parse keeps the previous key. */
  next(record: WireRecord, targetKey: string): string {
    const previous = this.lastByTarget.get(targetKey);
    const parsed = toEpochNanos(record.ts) ?? previous ?? this.last;
    const key = previous !== undefined && previous > parsed ? previous : parsed;
    this.lastByTarget.set(targetKey, key);
    this.last = key;
    return key;
  }

  /** The target is gone; its next record, if any, starts afresh. */
  forget(targetKey: string): void {
    this.lastByTarget.delete(targetKey);
  }
}

/**
 * Records in time order, ties (and each container's own records) in their given order. `keys`
 * carries each container's last key from one call to the next (a backlog sorted page by page).
 */
export function sortByTime(records: readonly WireRecord[], keys: TimeKeys = new TimeKeys()): WireRecord[] {
  const keyed = records.map((record, i) => ({ record, key: keys.next(record, wireTargetKey(record)), i }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i));
  return keyed.map((k) => k.record);
}
