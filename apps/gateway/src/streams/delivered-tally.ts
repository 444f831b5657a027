// What a batch delivers: tallied once per batch (per class share, not per listener) by target; the
// per-namespace sums count records and bytes delivered on /metrics, and the same tally gives each
// audited listener one add per target for its reads' records and bytes.
import type { WireRecord } from '@tailgate/contracts';

import type { GatewayMetrics, NamespaceTally } from '../metrics/gateway-metrics';
import { wireTargetKey } from '../model/bus-message';
import { recordBytes } from './batch-bytes';
import type { StreamListener } from './stream-listener';

export interface TargetTally {
  readonly key: string;
  readonly namespace: string;
  records: number;
  bytes: number;
}

/** Records and bytes per target, in order of first appearance; each record's size is taken once. */
export function tallyByTarget(batch: readonly WireRecord[]): TargetTally[] {
  const byKey = new Map<string, TargetTally>();
  let last: WireRecord | undefined;
  let current: TargetTally | undefined;
  for (const record of batch) {
    // A run of one target's records (the usual batch) looks its entry up once.
    if (current === undefined || last === undefined || !sameTarget(last, record)) {
      const key = wireTargetKey(record);
      current = byKey.get(key);
      if (current === undefined) {
        current = { key, namespace: record.ns, records: 0, bytes: 0 };
        byKey.set(key, current);
      }
    }
    current.records++;
    current.bytes += recordBytes(record);
    last = record;
  }
  return [...byKey.values()];
}

/**
 * Counts a batch sent `copies` times on /metrics (records, and records and bytes per namespace) and
 * returns its per-target tally, so the audit's credit reuses the one pass over the batch.
 */
export function countDelivered(metrics: GatewayMetrics, batch: readonly WireRecord[], copies = 1): readonly TargetTally[] {
  const tally = tallyByTarget(batch);
  metrics.delivered(namespacesOf(tally), batch.length, copies);
  return tally;
}

/** Records and bytes per namespace, in order of first appearance. */
export function tallyByNamespace(batch: readonly WireRecord[]): NamespaceTally[] {
  return namespacesOf(tallyByTarget(batch));
}

function namespacesOf(targets: readonly TargetTally[]): NamespaceTally[] {
  const byNamespace = new Map<string, NamespaceTally>();
  for (const { namespace, records, bytes } of targets) {
    const entry = byNamespace.get(namespace);
    if (entry === undefined) byNamespace.set(namespace, { namespace, records, bytes });
    else {
      entry.records += records;
      entry.bytes += bytes;
    }
  }
  return [...byNamespace.values()];
}

/** Credits each target's share of a delivered batch to a listener's audited read of it (nothing when not audited). */
export function creditTally(listener: StreamListener, tally: readonly TargetTally[]): void {
  if (!listener.audit.active) return;
  for (const { key, records, bytes } of tally) listener.audit.credit(key, records, bytes);
}

function sameTarget(a: WireRecord, b: WireRecord): boolean {
  return a.ns === b.ns && a.pod === b.pod && a.container === b.container;
}
