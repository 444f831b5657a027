// Runs one upstream per stream key, shared by every listener of that key. A claim per key says
// when this replica runs it (cluster/stream-claim): from the first local listener until a grace
// period after the last without Redis; while it holds the stream's lease with Redis, for the
// listeners of every replica. Upstream events are published on the stream's bus channel; records
// of targets the source never announced are dropped (default deny). A replica that takes over a
// running stream first publishes what its predecessor had not, read back from the source after
// the last cursors it published, then the live stream without what that repeated.
import type { GapCount, WireRecord, WireTarget } from '@tailgate/contracts';
import type { LogBus } from '@tailgate/bus';
import { type PluginLogger, type SourceEvent, targetKey } from '@tailgate/plugin-sdk';

import type { StreamClaim, StreamClaims, UpstreamGrant } from '../cluster/stream-claim';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import {
  type BusMessage,
  encodeBusMessage,
  toWireRecord,
  toWireTarget,
  type UpstreamEndReason,
  wireTargetKey,
  wireTargetOf,
} from './bus-message';
import { type DeliveryFloors, initialFloors, noteLastCursors, passFloor } from './delivery-floors';
import type { StreamDescriptor } from './stream-descriptor';

interface StreamEntry {
  /** Local listeners following the stream. */
  refs: number;
  readonly claim: StreamClaim;
}

/** What one running upstream publishes with. */
interface Publication {
  readonly stream: StreamDescriptor;
  readonly channel: string;
  readonly grant: UpstreamGrant;
  readonly signal: AbortSignal;
  /** Targets announced on the channel, by key; records of others are dropped. */
  readonly announced: Map<string, WireTarget>;
  /** Publishes in order: live messages and re-announcements never overtake each other. */
  queue: Promise<void>;
  /** While the bus is unreachable: what could not be published, told to the fan-outs once it is back. */
  outage: PublishOutage | undefined;
}

/** Tries after the first to publish a stream's end, 250 ms apart and doubling (about 16 s in all). */
const END_ATTEMPTS = 6;
const END_RETRY_MS = 250;

interface PublishOutage {
  /** Per target key, the records lost. */
  readonly missed: Map<string, GapCount>;
  /** A target announcement was lost: every target is announced again first. */
  reannounce: boolean;
}

export interface StreamSupervisorOptions {
  readonly channelOf: (stream: StreamDescriptor) => string;
  /** Most records in one message of a takeover's catch-up. */
  readonly maxBatchRecords: number;
}

export class StreamSupervisor {
  private readonly entries = new Map<string, StreamEntry>();
  private stopping = false;

  constructor(
    private readonly bus: LogBus,
    private readonly options: StreamSupervisorOptions,
    private readonly claims: StreamClaims,
    private readonly metrics: GatewayMetrics,
    private readonly logger: PluginLogger,
  ) {}

  /** A listener wants this stream: the claim starts its upstream when this replica may run it. */
  acquire(stream: StreamDescriptor): void {
    if (this.stopping) return;
    const entry = this.entries.get(stream.key) ?? this.open(stream);
    if (entry.refs++ === 0) entry.claim.want(true);
  }

  /** A listener left; the claim stops the upstream a grace period after the last one anywhere. */
  release(stream: StreamDescriptor): void {
    const entry = this.entries.get(stream.key);
    if (!entry || entry.refs === 0) return;
    if (--entry.refs === 0) entry.claim.want(false);
  }

  /** Stops every upstream after its last publish and hands the streams over to the other replicas. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => entry.claim.shutdown()));
    await this.claims.close();
  }

  private open(stream: StreamDescriptor): StreamEntry {
    const entry: StreamEntry = {
      refs: 0,
      claim: this.claims.claim(
        stream,
        (grant, signal) => this.run(stream, grant, signal),
        () => {
          if (this.entries.get(stream.key) === entry) this.entries.delete(stream.key);
        },
      ),
    };
    this.entries.set(stream.key, entry);
    return entry;
  }

  private async run(stream: StreamDescriptor, grant: UpstreamGrant, signal: AbortSignal): Promise<UpstreamEndReason> {
    const channel = this.options.channelOf(stream);
    const publication: Publication = { stream, channel, grant, signal, announced: new Map(), queue: Promise.resolve(), outage: undefined };
    const stopped = () => signal.aborted || !grant.isValid();
    grant.onAnnounceRequest?.(() => this.announceAgain(publication));
    this.metrics.upstreamsOpened.inc({ source: stream.source.id });
    this.metrics.upstreamsActive.inc();
    let reason: UpstreamEndReason = 'complete';
    try {
      // Opened before the catch-up is read, so nothing written meanwhile falls between the two.
      const events = stream.source.source.open(stream.selector, { signal, logger: this.logger });
      const floors = await this.catchUp(publication);
      for await (const event of events) {
        if (stopped()) break;
        const message = this.toMessage(event, publication.announced, floors);
        if (message) await this.send(publication, message);
      }
      if (stopped()) reason = 'shutdown';
    } catch (error) {
      reason = stopped() ? 'shutdown' : 'upstream_failed';
      if (reason === 'upstream_failed') this.logger.error({ source: stream.source.id, err: errorName(error) }, 'upstream failed');
    } finally {
      this.metrics.upstreamsActive.dec();
    }
    // Listeners only need telling when the upstream ended while they were still there.
    if (reason !== 'shutdown') await this.publishEnd(publication, reason);
    return reason;
  }

  /**
   * A takeover: publishes what the previous holder had not (the source's records after its last
   * cursors), and returns the floors below which live records repeat what was published.
   */
  private async catchUp(publication: Publication): Promise<DeliveryFloors> {
    const { stream, grant, signal, announced } = publication;
    const source = stream.source.source;
    if (grant.resumeAfter.size === 0 || !source.backlog) return new Map();
    const after = { byTarget: grant.resumeAfter };
    const last = new Map<string, string>();
    try {
      const backlog = await source.backlog(stream.selector, { after }, { signal, logger: this.logger });
      const targets = new Map(backlog.targets.map((target) => [targetKey(target), toWireTarget(target)]));
      for await (const page of backlog.pages) {
        const records = page.map(toWireRecord).filter((record) => targets.has(wireTargetKey(record)));
        for (const key of new Set(records.map(wireTargetKey))) {
          if (announced.has(key)) continue;
          const target = targets.get(key) as WireTarget;
          announced.set(key, target);
          await this.send(publication, { t: 'target', op: 'added', target });
        }
        for (let i = 0; i < records.length; i += this.options.maxBatchRecords) {
          await this.send(publication, { t: 'records', records: records.slice(i, i + this.options.maxBatchRecords) });
        }
        noteLastCursors(last, records);
      }
    } catch (error) {
      if (signal.aborted) throw error;
      // What was published up to here counts; the live stream continues after it.
      this.logger.warn(
        { source: stream.source.id, err: errorName(error) },
        'could not read back what the previous holder had not published',
      );
    }
    return initialFloors(after, grant.resumeAfter.keys(), last, () => true);
  }

  private toMessage(event: SourceEvent, announced: Map<string, WireTarget>, floors: DeliveryFloors): BusMessage | undefined {
    if (event.type === 'target') {
      const key = targetKey(event.target);
      const target = toWireTarget(event.target);
      if (event.op === 'added') {
        // A takeover's catch-up may have announced it already.
        if (announced.has(key)) return undefined;
        announced.set(key, target);
        return { t: 'target', op: 'added', target };
      }
      announced.delete(key);
      return event.reason === undefined
        ? { t: 'target', op: 'removed', target }
        : { t: 'target', op: 'removed', target, reason: event.reason };
    }
    const records: WireRecord[] = [];
    let unannounced = 0;
    for (const record of event.records) {
      const key = targetKey(record.target);
      if (!announced.has(key)) unannounced++;
      else if (passFloor(floors, key, record.cursor)) records.push(toWireRecord(record));
    }
    if (unannounced > 0) this.metrics.recordsDropped.inc({ reason: 'unannounced_target' }, unannounced);
    return records.length === 0 ? undefined : { t: 'records', records };
  }

  /**
   * Publishes in order. A message the bus refuses (Redis unreachable) is lost, not retried — live
   * records are worthless late — but counted, and the first publish that succeeds again is
   * preceded by a `gap` message saying what was lost, so the fan-outs can fill or report it.
   */
  private send(publication: Publication, message: BusMessage): Promise<void> {
    const sent = publication.queue
      .then(() => this.publishAfterOutage(publication, message))
      .catch((error: unknown) => this.lost(publication, message, error));
    publication.queue = sent;
    return sent;
  }

  /** Publishes, first telling what an outage lost if one is pending; rejects while the bus refuses. */
  private async publishAfterOutage(publication: Publication, message: BusMessage): Promise<void> {
    if (publication.outage) await this.endOutage(publication);
    await this.publish(publication, message);
  }

  private lost(publication: Publication, message: BusMessage, error: unknown): void {
    if (!publication.outage) {
      this.logger.warn(
        { source: publication.stream.id, err: errorName(error) },
        'the bus refused a publish; counting what is lost until it is back',
      );
      publication.outage = { missed: new Map(), reannounce: false };
    }
    const { outage } = publication;
    if (message.t === 'target') outage.reannounce = true;
    if (message.t !== 'records') return;
    this.metrics.recordsDropped.inc({ reason: 'bus_unavailable' }, message.records.length);
    for (const record of message.records) {
      const key = wireTargetKey(record);
      const counted = outage.missed.get(key);
      outage.missed.set(key, { target: counted?.target ?? wireTargetOf(record), count: (counted?.count ?? 0) + 1 });
    }
  }

  /** The bus is back (or about to be tried again): targets once more if any announcement was lost, then the gap. */
  private async endOutage(publication: Publication): Promise<void> {
    const outage = publication.outage as PublishOutage;
    if (outage.reannounce) {
      for (const target of [...publication.announced.values()]) await this.publish(publication, { t: 'target', op: 'added', target });
      outage.reannounce = false;
    }
    if (outage.missed.size > 0) await this.publish(publication, { t: 'gap', missed: [...outage.missed.values()] });
    publication.outage = undefined;
    this.logger.info({ source: publication.stream.id, targets: outage.missed.size }, 'the bus is back; published what was lost');
  }

  /** Every target announced so far, once more, in line with the live messages. */
  private announceAgain(publication: Publication): void {
    for (const target of [...publication.announced.values()]) {
      if (publication.signal.aborted || !publication.grant.isValid()) return;
      void this.send(publication, { t: 'target', op: 'added', target });
    }
  }

  private async publish({ channel, grant }: Publication, message: BusMessage): Promise<void> {
    const sent = this.bus.publish(channel, encodeBusMessage(grant.fence === undefined ? message : { ...message, fence: grant.fence }));
    // Written right behind the publish: a successor resumes after exactly what was published.
    if (grant.published && message.t === 'records') grant.published(lastCursorPerTarget(message.records));
    await sent;
  }

  /**
   * The end is the one message listeners cannot do without (they would wait for a stream that
   * is over), so it is tried again while the bus is down, for a while, as long as the grant holds.
   */
  private async publishEnd(publication: Publication, reason: UpstreamEndReason): Promise<void> {
    const message: BusMessage = { t: 'end', reason };
    await publication.queue;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.publishAfterOutage(publication, message);
      } catch (error) {
        if (attempt >= END_ATTEMPTS || !publication.grant.isValid()) return this.lost(publication, message, error);
        await new Promise((resolve) => setTimeout(resolve, END_RETRY_MS * 2 ** attempt));
      }
    }
  }
}

function lastCursorPerTarget(records: readonly WireRecord[]): Map<string, string> {
  const cursors = new Map<string, string>();
  for (const record of records) cursors.set(wireTargetKey(record), record.cursor);
  return cursors;
}

function errorName(error: unknown): string {
  if (error instanceof Error) return 'code' in error && typeof error.code === 'string' ? `${error.name}(${error.code})` : error.name;
  return 'unknown';
}
