// What one tap stream received, as source events waiting for the host. Each bus message (one
// ingested body) is checked as a whole, in arrival order: the Flow's namespace, then every pod it
// names against the apiserver's pod metadata. Only pods the apiserver knows pass, and their target
// is built from the metadata (namespace, pod, node), so nothing a shipper wrote can decide who is
// allowed to read a record. A message becomes at most one `records` event, after the `added`
// announcements of its new targets. Memory is bounded: records waiting (for lookups or for the
// host) past maxQueuedRecords are dropped by message and counted, targets by KnownTargets.
import {
  dateToEpochNanos,
  epochNanosToRfc3339,
  type LogRecord,
  type PluginCounter,
  type PluginLogger,
  type PodMetadataService,
  type SourceEvent,
  StreamEventQueue,
  type TargetRef,
  targetKey,
  toEpochNanos,
} from '@tailgate/plugin-sdk';

import type { TapDropReason } from './flow-tap-metrics';
import type { IngestRecord } from './ingest/ingest-record';
import { type KnownTarget, KnownTargets } from './known-targets';
import { LOOKUP_FAILED, lookupPods, podKey, type PodLookup } from './pod-lookups';
import { parseTapMessage } from './tap-message';
import { type TapRef, tapKey } from './tap-ref';

export interface TapInboxOptions {
  readonly tap: TapRef;
  readonly pods: PodMetadataService;
  readonly dropped: PluginCounter<'reason'>;
  readonly logger: PluginLogger;
  readonly maxQueuedRecords: number;
  readonly maxTargets: number;
  /** Pod lookups pending at once per stream. */
  readonly lookupConcurrency: number;
  readonly now?: () => number;
}

export class TapInbox {
  private readonly events = new StreamEventQueue();
  private readonly targets: KnownTargets;
  /** Records of messages still being checked (those queued count in `events.records`). */
  private checkingRecords = 0;
  /** Messages are checked one after another, so their events keep arrival order. */
  private checking: Promise<void> = Promise.resolve();
  private closed = false;
  /** Reasons already logged in this run, each logged once. */
  private readonly logged = new Set<TapDropReason>();

  constructor(private readonly options: TapInboxOptions) {
    this.targets = new KnownTargets(options.maxTargets);
  }

  /** Takes one bus message; never throws (a bad message is counted and dropped). */
  take(raw: string): void {
    if (this.closed) return;
    const receivedAt = (this.options.now ?? Date.now)();
    const records = parseTapMessage(raw);
    if (records === undefined) return this.drop('invalid_message', 1);
    if (records.length === 0) return;
    const pending = this.events.records + this.checkingRecords;
    if (pending + records.length > this.options.maxQueuedRecords) return this.drop('overflow', records.length);
    this.checkingRecords += records.length;
    this.checking = this.checking
      .then(() => this.check(records, receivedAt))
      .catch((error: unknown) =>
        this.options.logger.error({ err: error instanceof Error ? error.name : 'unknown' }, 'tapped message not applied'),
      );
  }

  /** Yields events until `signal` aborts; then forgets whatever is still queued. */
  async *drain(signal: AbortSignal): AsyncGenerator<SourceEvent> {
    try {
      yield* this.events.drain(signal);
    } finally {
      this.closed = true;
      this.events.clear();
    }
  }

  private async check(records: readonly IngestRecord[], receivedAt: number): Promise<void> {
    const inTap = records.filter((record) => this.inNamespace(record));
    this.release(records.length - inTap.length, 'wrong_namespace');
    const wanted = new Map(inTap.map((record) => [podKey(record.namespace, record.pod), record] as const));
    const lookups = await lookupPods(this.options.pods, wanted, this.options.lookupConcurrency);
    if (this.closed) return;
    const received = dateToEpochNanos(new Date(receivedAt));
    const batch: LogRecord[] = [];
    const used = new Set<KnownTarget>();
    const refused = new Map<TapDropReason, number>();
    for (const record of inTap) {
      const known = this.targetOf(record, lookups.get(podKey(record.namespace, record.pod)));
      if (typeof known === 'string') {
        refused.set(known, (refused.get(known) ?? 0) + 1);
        continue;
      }
      used.add(known);
      const epochNanos = (record.time !== undefined ? toEpochNanos(record.time) : undefined) ?? received;
      const { target } = known;
      batch.push({
        ts: epochNanosToRfc3339(epochNanos),
        target,
        stream: record.stream,
        line: record.line,
        cursor: known.clock.next(epochNanos),
      });
    }
    for (const known of used) this.targets.touch(targetKey(known.target));
    for (const [reason, count] of refused) this.release(count, reason);
    if (batch.length === 0) return;
    this.checkingRecords -= batch.length;
    this.events.push({ type: 'records', records: batch });
  }

  /** A Flow only ever routes pods of its own namespace; a ClusterFlow any. */
  private inNamespace(record: IngestRecord): boolean {
    return this.options.tap.kind === 'clusterflow' || record.namespace === this.options.tap.namespace;
  }

  /**
   * The record's target as the apiserver has its pod, announced first if new (or if its pod moved
   * to another node); why not, when the pod is unknown or cannot be looked up.
   */
  private targetOf(record: IngestRecord, lookup: PodLookup): KnownTarget | TapDropReason {
    const key = targetKey(record);
    if (lookup === LOOKUP_FAILED) return 'pod_metadata_unavailable';
    if (lookup === undefined) {
      const gone = this.targets.delete(key);
      if (gone !== undefined) this.events.push({ type: 'target', op: 'removed', target: gone.target, reason: 'deleted' });
      return 'unknown_pod';
    }
    const known = this.targets.get(key);
    if (known !== undefined && known.target.node === lookup.node) return known;
    if (known !== undefined) this.events.push({ type: 'target', op: 'removed', target: known.target });
    const target: TargetRef = {
      namespace: lookup.namespace,
      pod: lookup.name,
      container: record.container,
      ...(lookup.node !== undefined && { node: lookup.node }),
    };
    const added = this.targets.add(target);
    for (const old of added.forgotten) this.events.push({ type: 'target', op: 'removed', target: old });
    this.events.push({ type: 'target', op: 'added', target });
    return added.known;
  }

  /** Records of a message that will not be queued after all: no longer being checked, counted. */
  private release(count: number, reason: TapDropReason): void {
    if (count === 0) return;
    this.checkingRecords -= count;
    this.drop(reason, count);
  }

  private drop(reason: TapDropReason, count: number): void {
    this.options.dropped.inc({ reason }, count);
    if (this.logged.has(reason)) return;
    this.logged.add(reason);
    this.options.logger.warn({ code: reason, tap: tapKey(this.options.tap) }, 'tapped records dropped');
  }
}
