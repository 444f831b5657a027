// What a batch delivers, per target, for the audit trail's records and bytes of each listener's
// read: tallied once per batch (per class share, not per listener), then one add per listener
// and target. Nothing is tallied when the listeners are not audited.
import type { WireRecord } from '@tailgate/contracts';

import { wireTargetKey } from '../model/bus-message';
import { recordBytes } from './batch-bytes';
import type { StreamListener } from './stream-listener';

export interface TargetTally {
  readonly key: string;
  records: number;
  bytes: number;
}

/** Records and bytes per target; a run of one target's records (the usual batch) is one entry. */
export function tallyByTarget(batch: readonly WireRecord[]): TargetTally[] {
  const tally: TargetTally[] = [];
  let last: WireRecord | undefined;
  let current: TargetTally | undefined;
  for (const record of batch) {
    if (current === undefined || last === undefined || !sameTarget(last, record)) {
      const key = wireTargetKey(record);
      current = tally.find((t) => t.key === key) ?? pushed(tally, { key, records: 0, bytes: 0 });
    }
    current.records++;
    current.bytes += recordBytes(record);
    last = record;
  }
  return tally;
}

/** Credits each target's share of a batch to a listener's audited read of it. */
export function creditTally(listener: StreamListener, tally: readonly TargetTally[]): void {
  for (const { key, records, bytes } of tally) listener.audit.credit(key, records, bytes);
}

/** Credits a batch sent to one listener alone. */
export function creditBatch(listener: StreamListener, batch: readonly WireRecord[]): void {
  if (listener.audit.active && batch.length > 0) creditTally(listener, tallyByTarget(batch));
}

function sameTarget(a: WireRecord, b: WireRecord): boolean {
  return a.ns === b.ns && a.pod === b.pod && a.container === b.container;
}

function pushed(tally: TargetTally[], entry: TargetTally): TargetTally {
  tally.push(entry);
  return entry;
}
