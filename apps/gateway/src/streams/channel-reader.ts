// Reads one stream's bus channel on this replica, in the stream's task order, and hands each
// message's meaning to the fan-out. It also makes sure nothing goes missing unnoticed: when this
// replica's bus was down, what was published meanwhile comes from the bus's replay buffer; when
// the buffer does not reach back, a new holder took over, or the holder could not publish, the
// records are read back from the source after the last ones delivered (when it can resume) —
// else the fan-out is told to report a `gap` right where the hole is.
import type { GapCount, GapReason, TargetEndReason, WireRecord, WireTarget } from '@tailgate/contracts';
import type { MessageId, ReplayableLogBus, ReplayResult } from '@tailgate/bus';
import type { PluginLogger } from '@tailgate/plugin-sdk';

import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { type BusFrame, type BusMessage, decodeBusMessage, type UpstreamEndReason, wireTargetKey } from '../model/bus-message';
import { canResume } from '../model/can-resume';
import { type Arrival, ChannelPosition } from './channel-position';
import { type DeliveryFloors, passFloor } from './delivery-floors';
import { errorName } from '../model/error-name';
import type { StreamDescriptor } from '../model/stream-descriptor';
import { toWireBacklog } from './wire-backlog';

/** How long floors from a read-back stay: targets the live stream never reaches again would keep theirs forever. */
const READ_BACK_FLOOR_MS = 10_000;
/** Longest a read-back may take. */
const READ_BACK_TIMEOUT_MS = 30_000;

/** What the fan-out does with the channel's messages. */
export interface ChannelSink {
  records(batch: readonly WireRecord[]): Promise<void>;
  targetAdded(target: WireTarget): Promise<void>;
  targetRemoved(target: WireTarget, reason: TargetEndReason | undefined): void;
  ended(reason: UpstreamEndReason): void;
  /** Records may be missing here and could not be read back. */
  gap(reason: GapReason, missed: readonly GapCount[] | undefined): void;
  hasListeners(): boolean;
  knowsTarget(key: string): boolean;
  /** Per target, the cursor of the last record delivered in source order. */
  delivered(): ReadonlyMap<string, string>;
}

export interface ChannelReaderDeps {
  readonly bus: ReplayableLogBus<BusFrame>;
  readonly channel: string;
  readonly metrics: GatewayMetrics;
  readonly logger: PluginLogger;
  readonly maxBatchRecords: number;
  /** Runs a task in the stream's order. */
  readonly enqueue: (task: () => Promise<void> | void) => Promise<void>;
}

export class ChannelReader {
  private readonly position = new ChannelPosition();
  /** Per target, the cursor of the last record read back from the source; live ones up to it repeat. */
  private readonly readBackFloors: DeliveryFloors = new Map();
  private readBackTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private stopWatchingBus: (() => void) | undefined;

  constructor(
    private readonly stream: StreamDescriptor,
    private readonly deps: ChannelReaderDeps,
    private readonly sink: ChannelSink,
  ) {}

  async start(): Promise<void> {
    const { bus, channel, enqueue } = this.deps;
    this.stopWatchingBus = bus.onConnectionChange((state) => {
      if (state === 'down') this.position.down();
      else void enqueue(() => this.afterBusOutage());
    });
    this.unsubscribe = await bus.subscribe(channel, (raw, id) => {
      if (!this.position.hold(raw, id)) void enqueue(() => this.onBusMessage(raw, id, 'live'));
    });
  }

  async close(): Promise<void> {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    this.stopWatchingBus?.();
    clearTimeout(this.readBackTimer);
    await unsubscribe?.();
  }

  /**
   * A bus message, unless it was handled already (see ChannelPosition). The first message of a
   * new holder (a higher fence) means a takeover: what the previous one read but had not
   * published is filled from the source, or reported. `withoutRecords`: its records were read
   * back from the source instead.
   */
  private async onBusMessage(raw: BusFrame, id: MessageId | undefined, arrival: Arrival, withoutRecords = false): Promise<void> {
    const admission = this.position.admit(raw, id, arrival);
    if (admission === 'skip') return;
    if (admission === 'takeover') await this.fillGap('takeover', undefined);
    await this.onMessage(raw, withoutRecords);
  }

  private async onMessage(raw: BusFrame, withoutRecords: boolean): Promise<void> {
    const message: BusMessage | undefined = decodeBusMessage(raw);
    if (!message) {
      this.deps.metrics.recordsDropped.inc({ reason: 'malformed_bus_message' });
      this.deps.logger.warn({ stream: this.stream.id }, 'dropped a malformed bus message');
      return;
    }
    if (message.t === 'records') return withoutRecords ? undefined : this.deliver(message.records);
    if (message.t === 'end') return this.sink.ended(message.reason);
    if (message.t === 'gap') return this.fillGap('bus_interrupted', message.missed);
    if (message.op === 'added') return this.sink.targetAdded(message.target);
    this.sink.targetRemoved(message.target, message.reason);
  }

  /** Live records, without those a read-back already delivered. */
  private async deliver(batch: readonly WireRecord[]): Promise<void> {
    const floors = this.readBackFloors;
    const records = floors.size === 0 ? batch : batch.filter((r) => passFloor(floors, wireTargetKey(r), r.cursor));
    if (records.length > 0) await this.sink.records(records);
  }

  /**
   * This replica's bus connection is back. What was published meanwhile comes from the bus's
   * replay buffer, then what arrived on the channel while the bus was still down. If the buffer
   * does not reach back far enough (or Redis restarted), the records come from the source after
   * the last ones delivered, when it can read back — the replayed messages then count only for
   * their targets — or a gap is reported right where the hole is.
   */
  private async afterBusOutage(): Promise<void> {
    const { held, overflowed } = this.position.resume();
    let replayed: ReplayResult<BusFrame> | undefined;
    const after = this.position.after;
    if (after !== undefined) {
      try {
        replayed = await this.deps.bus.replay(this.deps.channel, after);
      } catch (error) {
        this.deps.logger.warn({ stream: this.stream.id, err: errorName(error) }, 'bus replay failed');
      }
    }
    let withoutRecords = false;
    if (replayed?.complete !== true || overflowed) {
      withoutRecords = this.sink.hasListeners() && (await this.readBack());
      if (!withoutRecords) this.sink.gap('bus_interrupted', undefined);
    }
    for (const { id, message } of replayed?.messages ?? []) await this.onBusMessage(message, id, 'replayed', withoutRecords);
    for (const { raw, id } of held) await this.onBusMessage(raw, id, 'held');
  }

  /**
   * Records are missing from the bus (`missed` says which, when the holder knows): read back
   * from the source after the last cursor delivered per target when it can resume, else a `gap`.
   */
  private async fillGap(reason: GapReason, missed: readonly GapCount[] | undefined): Promise<void> {
    if (!this.sink.hasListeners()) return;
    if (await this.readBack()) return;
    this.sink.gap(reason, missed);
  }

  /**
   * Reads the source after the last delivered cursors and delivers it as live, a page at a time;
   * false when it cannot, or could not read to the end (what it delivered up to there stays).
   */
  private async readBack(): Promise<boolean> {
    const source = this.stream.source.source;
    const delivered = this.sink.delivered();
    if (!canResume(source) || !source.backlog || delivered.size === 0) return false;
    // Targets that appeared meanwhile continue from the earliest point any other one is at.
    const otherwise = [...delivered.values()].reduce((min, cursor) => (cursor < min ? cursor : min));
    let filled = 0;
    let complete = true;
    try {
      const signal = AbortSignal.timeout(READ_BACK_TIMEOUT_MS);
      const after = { byTarget: new Map(delivered), otherwise };
      const backlog = toWireBacklog(await source.backlog(this.stream.selector, { after }, { signal, logger: this.deps.logger }));
      for (const target of backlog.targets) await this.sink.targetAdded(target);
      const max = this.deps.maxBatchRecords;
      for await (const page of backlog.pages) {
        const records = page.filter((record) => this.sink.knowsTarget(wireTargetKey(record)));
        for (let i = 0; i < records.length; i += max) await this.deliver(records.slice(i, i + max));
        filled += records.length;
      }
    } catch (error) {
      this.deps.logger.warn({ stream: this.stream.id, err: errorName(error) }, 'could not read back a gap');
      if (filled === 0) return false;
      complete = false;
    }
    // Whatever comes again up to what was delivered — read back now or sent before — is a repeat
    // (a takeover's catch-up, a deposed holder's last batches).
    for (const [key, cursor] of this.sink.delivered()) this.readBackFloors.set(key, cursor);
    clearTimeout(this.readBackTimer);
    this.readBackTimer = setTimeout(() => void this.deps.enqueue(() => this.readBackFloors.clear()), READ_BACK_FLOOR_MS);
    this.readBackTimer.unref();
    this.deps.metrics.gapsFilled.inc(filled);
    return complete;
  }
}
