// Publishes one running upstream on its stream's bus channel: each source event becomes one bus
// message, in order, stamped with the holder's fencing token. A source's records are converted to
// wire records here, once, where they enter the gateway; records of targets the source never
// announced are dropped (default deny). A takeover first publishes what the previous holder had
// not, read back from the source after the last cursors it published, then the live stream
// without what that repeated.
import type { GapCount, WireRecord, WireTarget } from '@tailgate/contracts';
import type { LogBus, PublishOptions } from '@tailgate/bus';
import { type PluginLogger, type SourceEvent, type TargetRef, targetKey } from '@tailgate/plugin-sdk';

import type { UpstreamGrant } from '../cluster/stream-claim';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import {
  type BusFrame,
  type BusMessage,
  toWireRecord,
  toWireTarget,
  type UpstreamEndReason,
  wireTargetKey,
  wireTargetKeys,
  wireTargetOf,
} from '../model/bus-message';
import { type DeliveryFloors, initialFloors, noteLastCursors, passFloor } from './delivery-floors';
import { canResume } from '../model/can-resume';
import { errorName } from '../model/error-name';
import type { StreamDescriptor } from '../model/stream-descriptor';
import { toWireBacklog } from './wire-backlog';

/** What every publisher of a replica shares. */
export interface PublisherDeps {
  readonly bus: LogBus<BusFrame>;
  readonly metrics: GatewayMetrics;
  readonly logger: PluginLogger;
  /** Most records in one message of a takeover's catch-up. */
  readonly maxBatchRecords: number;
}

/** What one running upstream publishes for, and for how long. */
export interface PublisherRun {
  readonly stream: StreamDescriptor;
  readonly channel: string;
  readonly grant: UpstreamGrant;
  /** Aborted when the upstream stops. */
  readonly signal: AbortSignal;
}

/** Tries after the first to publish a stream's end, 250 ms apart and doubling (about 16 s in all). */
const END_ATTEMPTS = 6;
const END_RETRY_MS = 250;
/** Record batches sent on and not yet acknowledged by the bus, at most: a slow bus still slows the source. */
const MAX_IN_FLIGHT = 8;

interface PublishOutage {
  /** Per target key, the records lost. */
  readonly missed: Map<string, GapCount>;
  /** A target announcement was lost: every target is announced again first. */
  reannounce: boolean;
}

export class StreamPublisher {
  /** Targets announced on the channel, by key; records of others are dropped. */
  private readonly announced = new Map<string, WireTarget>();
  /** Publishes in order: live messages and re-announcements never overtake each other. */
  private queue: Promise<void> = Promise.resolve();
  /** Record batches sent and not yet acknowledged (each settles as published or counted as lost). */
  private readonly inFlight = new Set<Promise<void>>();
  /** While the bus is unreachable: what could not be published, told to the fan-outs once it is back. */
  private outage: PublishOutage | undefined;
  /** Per target, the cursor live records must exceed: the catch-up published up to it. */
  private floors: DeliveryFloors = new Map();
  /** A source that reads back after a cursor itself needs no replay copy in this process (see PublishOptions). */
  private readonly publishOptions: PublishOptions | undefined;

  constructor(
    private readonly deps: PublisherDeps,
    private readonly run: PublisherRun,
  ) {
    this.publishOptions = canResume(run.stream.source.source) ? { replay: false } : undefined;
  }

  /**
   * A takeover: publishes what the previous holder had not (the source's records after its last
   * cursors); live records below what it published are dropped as repeats.
   */
  async catchUp(): Promise<void> {
    const { stream, grant, signal } = this.run;
    const source = stream.source.source;
    if (grant.resumeAfter.size === 0 || !source.backlog) return;
    const after = { byTarget: grant.resumeAfter };
    const last = new Map<string, string>();
    const { maxBatchRecords, logger } = this.deps;
    try {
      const backlog = toWireBacklog(await source.backlog(stream.selector, { after }, { signal, logger }));
      const targets = new Map(backlog.targets.map((target) => [wireTargetKey(target), target]));
      for await (const page of backlog.pages) {
        const records = page.filter((record) => targets.has(wireTargetKey(record)));
        for (const key of new Set(records.map(wireTargetKey))) {
          if (this.announced.has(key)) continue;
          const target = targets.get(key) as WireTarget;
          this.announced.set(key, target);
          await this.send({ t: 'target', op: 'added', target });
        }
        for (let i = 0; i < records.length; i += maxBatchRecords) {
          await this.send({ t: 'records', records: records.slice(i, i + maxBatchRecords) });
        }
        noteLastCursors(last, records);
      }
    } catch (error) {
      if (signal.aborted) throw error;
      // What was published up to here counts; the live stream continues after it.
      logger.warn({ source: stream.source.id, err: errorName(error) }, 'could not read back what the previous holder had not published');
    }
    this.floors = initialFloors(after, grant.resumeAfter.keys(), last, () => true);
  }

  /**
   * One event of the live stream; resolves once it is on its way to the bus (record batches: with
   * at most MAX_IN_FLIGHT of them unacknowledged) or counted as lost.
   */
  async publish(event: SourceEvent): Promise<void> {
    const message = this.toMessage(event);
    if (message) await this.send(message);
  }

  /** Every target announced so far, once more, in line with the live messages. */
  announceAgain(): void {
    for (const target of [...this.announced.values()]) {
      if (this.run.signal.aborted || !this.run.grant.isValid()) return;
      void this.send({ t: 'target', op: 'added', target });
    }
  }

  /**
   * The end is the one message listeners cannot do without (they would wait for a stream that
   * is over), so it is tried again while the bus is down, for a while, as long as the grant holds.
   */
  async end(reason: UpstreamEndReason): Promise<void> {
    const message: BusMessage = { t: 'end', reason };
    await this.queue;
    await this.settleInFlight();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.publishAfterOutage(message);
      } catch (error) {
        if (attempt >= END_ATTEMPTS || !this.run.grant.isValid()) return this.lost(message, error);
        await new Promise((resolve) => setTimeout(resolve, END_RETRY_MS * 2 ** attempt));
      }
    }
  }

  private toMessage(event: SourceEvent): BusMessage | undefined {
    if (event.type === 'target') {
      const key = targetKey(event.target);
      const target = toWireTarget(event.target);
      if (event.op === 'added') {
        // A takeover's catch-up may have announced it already.
        if (this.announced.has(key)) return undefined;
        this.announced.set(key, target);
        return { t: 'target', op: 'added', target };
      }
      this.announced.delete(key);
      return event.reason === undefined
        ? { t: 'target', op: 'removed', target }
        : { t: 'target', op: 'removed', target, reason: event.reason };
    }
    const records: WireRecord[] = [];
    let unannounced = 0;
    // Hot path: a run of records of one target (sources hand one target object to all of them)
    // looks its target up once.
    let target: TargetRef | undefined;
    let key = '';
    let announced = false;
    const floors = this.floors.size > 0 ? this.floors : undefined;
    for (const record of event.records) {
      if (record.target !== target) {
        target = record.target;
        key = targetKey(target);
        announced = this.announced.has(key);
      }
      if (!announced) unannounced++;
      else if (floors === undefined || passFloor(floors, key, record.cursor)) records.push(toWireRecord(record));
    }
    if (unannounced > 0) this.deps.metrics.recordsDropped.inc({ reason: 'unannounced_target' }, unannounced);
    return records.length === 0 ? undefined : { t: 'records', records };
  }

  /**
   * Publishes in order. A message the bus refuses (Redis unreachable) is lost, not retried — live
   * records are worthless late — but counted, and the first publish that succeeds again is
   * preceded by a `gap` message saying what was lost, so the fan-outs can fill or report it.
   */
  private send(message: BusMessage): Promise<void> {
    const sent = this.queue.then(() => this.dispatch(message));
    this.queue = sent;
    return sent;
  }

  /**
   * Record batches go out without waiting for the acknowledgement of the ones before them (the
   * bus connection keeps their order); every other message, and anything after a refusal, waits
   * until the batches before it are acknowledged or counted as lost. A batch refused while later
   * ones were already on their way has its gap told right after those.
   */
  private async dispatch(message: BusMessage): Promise<void> {
    if (message.t !== 'records' || this.outage) await this.settleInFlight();
    while (this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.inFlight);
    const sent = this.publishAfterOutage(message).catch((error: unknown) => this.lost(message, error));
    if (message.t !== 'records') return sent;
    this.inFlight.add(sent);
    void sent.then(() => this.inFlight.delete(sent));
  }

  private async settleInFlight(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Publishes, first telling what an outage lost if one is pending; rejects while the bus refuses. */
  private async publishAfterOutage(message: BusMessage): Promise<void> {
    if (this.outage) await this.endOutage(this.outage);
    await this.write(message);
  }

  private lost(message: BusMessage, error: unknown): void {
    if (!this.outage) {
      this.deps.logger.warn(
        { source: this.run.stream.id, err: errorName(error) },
        'the bus refused a publish; counting what is lost until it is back',
      );
      this.outage = { missed: new Map(), reannounce: false };
    }
    const { outage } = this;
    if (message.t === 'target') outage.reannounce = true;
    if (message.t !== 'records') return;
    this.deps.metrics.recordsDropped.inc({ reason: 'bus_unavailable' }, message.records.length);
    for (const record of message.records) {
      const key = wireTargetKey(record);
      const counted = outage.missed.get(key);
      outage.missed.set(key, { target: counted?.target ?? wireTargetOf(record), count: (counted?.count ?? 0) + 1 });
    }
  }

  /** The bus is back (or about to be tried again): targets once more if any announcement was lost, then the gap. */
  private async endOutage(outage: PublishOutage): Promise<void> {
    if (outage.reannounce) {
      for (const target of [...this.announced.values()]) await this.write({ t: 'target', op: 'added', target });
      outage.reannounce = false;
    }
    if (outage.missed.size > 0) await this.write({ t: 'gap', missed: [...outage.missed.values()] });
    this.outage = undefined;
    this.deps.logger.info({ source: this.run.stream.id, targets: outage.missed.size }, 'the bus is back; published what was lost');
  }

  private async write(message: BusMessage): Promise<void> {
    const { channel, grant } = this.run;
    const frame = grant.fence === undefined ? message : { ...message, fence: grant.fence };
    const sent = this.deps.bus.publish(channel, frame, this.publishOptions);
    // Recorded right behind the publish (merged with the next while one write is on its way): a
    // successor resumes after what was published.
    if (grant.published && message.t === 'records') grant.published(lastCursorPerTarget(message.records));
    await sent;
  }
}

/** The last record of each run of one target is the one that counts. */
function lastCursorPerTarget(records: readonly WireRecord[]): Map<string, string> {
  const cursors = new Map<string, string>();
  const keys = wireTargetKeys(records);
  for (let i = 0; i < records.length; i++) {
    if (keys[i] !== keys[i + 1]) cursors.set(keys[i] as string, (records[i] as WireRecord).cursor);
  }
  return cursors;
}
