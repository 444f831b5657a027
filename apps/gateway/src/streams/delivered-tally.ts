// What a batch delivers, per target, for the audit trail's records and bytes of each listener's
// read: tallied once per batch (per class share, not per listener), then one add per listener
// and target. Nothing is tallied when the listeners are not audited. The same once-per-batch
// tally, per namespace, counts records and bytes delivered on /metrics.
import type { WireRecord } from '@tailgate/contracts';

import type { GatewayMetrics, NamespaceTally } from '../metrics/gateway-metrics';
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

/** Counts a batch sent `copies` times on /metrics: records, and records and bytes per namespace, tallied once. */
export function countDelivered(metrics: GatewayMetrics, batch: readonly WireRecord[], copies = 1): void {
  metrics.delivered(tallyByNamespace(batch), batch.length, copies);
}

/** Records and bytes per namespace; a run of one namespace's records (the usual batch) is one entry. */
export function tallyByNamespace(batch: readonly WireRecord[]): NamespaceTally[] {
  const tally: NamespaceTally[] = [];
  let current: NamespaceTally | undefined;
  for (const record of batch) {
    if (current?.namespace !== record.ns) {
      current = tally.find((t) => t.namespace === record.ns) ?? pushed(tally, { namespace: record.ns, records: 0, bytes: 0 });
    }
    current.records++;
    current.bytes += recordBytes(record);
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

function pushed<T>(tally: T[], entry: T): T {
  tally.push(entry);
  return entry;
}
