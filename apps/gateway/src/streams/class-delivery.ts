// Delivery of one stream's live batches on this replica: per batch (never per record per socket)
// each permission class gets one emit to its room, its lines masked by the class's redaction,
// without its members whose connection is behind (their slow lanes get the batch); onboarding
// listeners have it held, catching-up ones get their own filtered (and masked) copy.
// Time-ordered listeners get their batches through the reorder window, also once per class room.
import { type RecordOrder, type RecordsEvent, recordsEvent, type WireRecord } from '@tailgate/contracts';

import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { LogsNamespace } from '../wire/logs-socket';
import { encodeOnce, encodeWithBatch } from '../wire/records-encoder';
import { arrivedRecordsJson } from '../model/bus-message';
import { batchBytes } from './batch-bytes';
import { ClassRooms } from './class-rooms';
import { countDelivered, creditTally, type TargetTally } from './delivered-tally';
import { passFloor } from './delivery-floors';
import type { ListenerRegistry } from './listener-registry';
import { filterForClass, type PermissionClass } from './permission-classes';
import { ReorderWindow } from './reorder-window';
import type { SlowListeners } from './slow-listeners';
import { mayRead, type StreamListener } from './stream-listener';
import type { Released } from './time-merge-buffer';

export interface ClassDeliveryDeps {
  readonly streamId: string;
  readonly namespace: LogsNamespace;
  readonly metrics: GatewayMetrics;
  readonly slow: SlowListeners;
  readonly listeners: ListenerRegistry;
  readonly maxBatchRecords: number;
  /** How long time-ordered listeners' records wait for earlier ones from other targets. */
  readonly reorderWindowMs: number;
  /** Runs a task in the stream's order. */
  readonly schedule: (task: () => void) => void;
  /** A catching-up listener's floors are all passed: it can go live. */
  readonly onFloorsPassed: (listener: StreamListener) => void;
}

interface ClassShare {
  readonly cls: PermissionClass;
  /** What the class is shown: its records, masked. */
  readonly payload: RecordsEvent;
  /** The class's records as the source wrote them: the audit and metrics count these. */
  readonly batch: WireRecord[];
}

/** A batch every record of which some classes may read, once per redaction: masked once, serialised once. */
interface WholeShare {
  readonly payload: RecordsEvent;
  shares: number;
  /** Its JSON is already known (see encodeWithBatch). */
  readonly encoded: boolean;
}

export class ClassDelivery {
  /** Per delivery path, the cursor of the last record it delivered, per target. */
  readonly lastLive: Record<RecordOrder, Map<string, string>> = { source: new Map(), time: new Map() };
  private readonly classes: ClassRooms;
  private readonly reorder: ReorderWindow;
  private timeListeners = 0;

  constructor(private readonly deps: ClassDeliveryDeps) {
    this.classes = new ClassRooms(deps.streamId);
    this.reorder = new ReorderWindow({
      windowMs: deps.reorderWindowMs,
      onRelease: (released) => this.deliverReleased(released),
      schedule: deps.schedule,
    });
  }

  /** A batch off the channel: to source-ordered listeners now, to time-ordered ones through the reorder window. */
  push(records: readonly WireRecord[], keys: readonly string[]): void {
    this.deliver('source', records, keys);
    if (this.timeListeners > 0) this.reorder.push(records, keys);
  }

  listenerAdded(listener: StreamListener): void {
    if (listener.order === 'time') this.timeListeners++;
  }

  listenerRemoved(listener: StreamListener): void {
    if (listener.order === 'time' && --this.timeListeners === 0) this.reorder.clear();
    this.classes.leave(listener);
  }

  /** Puts a live listener in its class room. */
  join(listener: StreamListener, liveTargets: readonly string[]): void {
    this.classes.join(listener, liveTargets);
  }

  /** Regroups every live listener; the targets or someone's access changed. */
  rebuild(liveTargets: readonly string[]): void {
    this.classes.rebuild(this.deps.listeners.inPhase('live'), liveTargets);
  }

  /** A target is going: its records still in the reorder window leave while its listeners may see them. */
  targetRemoved(key: string): void {
    if (this.timeListeners > 0) this.reorder.releaseTarget(key);
    this.lastLive.source.delete(key);
    this.lastLive.time.delete(key);
  }

  /** The stream ended: what waits in the reorder window goes out first. */
  drain(): void {
    this.reorder.drain();
  }

  close(): void {
    this.reorder.clear();
  }

  private deliverReleased({ records, targets }: Released): void {
    const max = this.deps.maxBatchRecords;
    for (let i = 0; i < records.length; i += max) this.deliver('time', records.slice(i, i + max), targets.slice(i, i + max));
  }

  /** One batch to the listeners of one order: held, emitted once per class room, or caught up. */
  private deliver(order: RecordOrder, records: readonly WireRecord[], keys: readonly string[]): void {
    const lastLive = this.lastLive[order];
    // The last record of each run of one target is the one that counts.
    for (let i = 0; i < records.length; i++) {
      if (keys[i] !== keys[i + 1]) lastLive.set(keys[i] as string, (records[i] as WireRecord).cursor);
    }
    for (const listener of this.deps.listeners.inPhase('onboarding')) if (listener.order === order) this.hold(listener, records, keys);
    for (const { cls, payload, batch } of this.classShares(order, records, keys)) this.emitToClass(cls, payload, batch);
    for (const listener of this.deps.listeners.inPhase('catching-up')) if (listener.order === order) this.catchUp(listener, records, keys);
  }

  /**
   * Each class room's share of a batch, masked by its redaction. The classes that may read all of
   * it and have the same redaction share one payload, masked once and serialised once for all.
   */
  private classShares(order: RecordOrder, records: readonly WireRecord[], keys: readonly string[]): ClassShare[] {
    const shares: ClassShare[] = [];
    let wholes: Map<string, WholeShare> | undefined;
    for (const cls of this.classes.values()) {
      if (cls.order !== order) continue;
      const batch = filterForClass(records, keys, cls);
      if (batch.length === 0) continue;
      if (batch.length !== records.length) {
        shares.push({ cls, payload: recordsEvent(this.deps.streamId, cls.mask.apply(batch)), batch });
        continue;
      }
      wholes ??= new Map();
      let whole = wholes.get(cls.mask.signature);
      if (whole === undefined) {
        const masked = cls.mask.apply(batch);
        // Unmasked, the whole batch's JSON is the one it arrived in on Redis, if it did.
        const arrived = masked === batch ? arrivedRecordsJson(records) : undefined;
        whole = { payload: recordsEvent(this.deps.streamId, masked), shares: 0, encoded: arrived !== undefined };
        if (arrived !== undefined) encodeWithBatch(whole.payload, arrived);
        wholes.set(cls.mask.signature, whole);
      }
      whole.shares++;
      shares.push({ cls, payload: whole.payload, batch });
    }
    for (const whole of wholes?.values() ?? []) if (whole.shares > 1 && !whole.encoded) encodeOnce(whole.payload);
    return shares;
  }

  /**
   * Keeps a live batch for a following listener whose backlog is still on its way: what it may
   * read, within its buffer and its connection's budget, the oldest dropped past them.
   */
  private hold(listener: StreamListener, records: readonly WireRecord[], keys: readonly string[]): void {
    if (!listener.follows || listener.phase.kind !== 'onboarding') return;
    const own = records.filter((record, i) => mayRead(listener, keys[i] as string, record));
    if (own.length === 0) return;
    const dropped = listener.phase.held.push(own, batchBytes(own), own.length);
    if (dropped > 0) this.deps.metrics.recordsDropped.inc({ reason: 'slow_listener' }, dropped);
  }

  /** One emit to the class room, without its members whose connection is behind: their slow lanes get the (masked) batch. */
  private emitToClass(cls: PermissionClass, payload: RecordsEvent, batch: WireRecord[]): void {
    const { slow } = this.deps;
    const behind = slow.behindAmong(cls.members, this.deps.listeners);
    const current = cls.members.size - behind.length;
    if (current > 0) {
      const room = this.deps.namespace.local.to(cls.room);
      (slow.size > 0 ? room.except(slow.room) : room).emit('records', payload);
      this.creditMembers(cls, behind, countDelivered(this.deps.metrics, batch, current));
    }
    if (behind.length > 0) slow.queueRecords(behind, payload.batch);
  }

  /** The audit's records and bytes: the batch's one tally, then one add per member served now and target. */
  private creditMembers(cls: PermissionClass, behind: readonly StreamListener[], tally: readonly TargetTally[]): void {
    for (const id of cls.members) {
      const listener = this.deps.listeners.get(id);
      if (!listener || behind.includes(listener)) continue;
      // Auditing is on or off for a whole gateway: one inert listener means no one is counted.
      if (!listener.audit.active) return;
      creditTally(listener, tally);
    }
  }

  /** A listener still behind its floors gets a batch of its own, without what it already has, masked for it. */
  private catchUp(listener: StreamListener, records: readonly WireRecord[], keys: readonly string[]): void {
    if (listener.phase.kind !== 'catching-up') return;
    const floors = listener.phase.floors;
    const batch = records.filter(
      (record, i) => passFloor(floors, keys[i] as string, record.cursor) && mayRead(listener, keys[i] as string, record),
    );
    this.deps.slow.sendRecords(listener, listener.mask.apply(batch));
    if (floors.size === 0) this.deps.onFloorsPassed(listener);
  }
}
