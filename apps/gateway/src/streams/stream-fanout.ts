// The local end of one stream on this replica: reads the stream's bus channel, decides each
// listener's access to each target before any of its records flows, keeps listeners grouped
// into permission classes, and emits every batch once per class room. Listeners that order by
// time get their batches from the stream's reorder window instead, also once per class room.
// Listeners whose connection fell behind are left out of the broadcasts and served from their
// slow lanes (slow-listeners.ts), checked once per batch. When records may have gone missing on
// the bus (this replica lost Redis for a while, or the holder could not publish), it takes what
// the bus still holds, reads the rest back from the source when the source can resume, and
// otherwise tells its listeners with a `gap`.
import type {
  EndReason,
  GapCount,
  GapReason,
  RecordOrder,
  TargetEndReason,
  TargetEvent,
  WireRecord,
  WireTarget,
} from '@tailgate/contracts';
import type { MessageId, ReplayableLogBus, ReplayResult } from '@tailgate/bus';
import { type Backlog, type BacklogOptions, type PluginLogger, type RecordRule, targetKey } from '@tailgate/plugin-sdk';

import type { AccessService } from '../access/access.service';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { LogsNamespace } from '../socket/logs-socket';
import { type BusMessage, decodeBusMessage, fromWireTarget, toWireRecord, toWireTarget, wireTargetKey, wireTargetOf } from './bus-message';
import { canResume } from './can-resume';
import { type Arrival, ChannelPosition } from './channel-position';
import { ClassRooms } from './class-rooms';
import { type DeliveryFloors, initialFloors, liftPassedFloors, passFloor } from './delivery-floors';
import { gapFor } from './gap-notice';
import { filterForClass, type PermissionClass } from './permission-classes';
import { ReorderWindow } from './reorder-window';
import { replayBacklog } from './replay-backlog';
import { SlowListeners } from './slow-listeners';
import type { StreamDescriptor } from './stream-descriptor';
import { type ListenerRequest, mayRead, type StreamListener } from './stream-listener';
import { compileAccess } from './target-access';
import type { Released } from './time-merge-buffer';
import { sortByTime } from './time-order';

/**
 * Longest a new listener is served on its own while the live stream catches up with what its
 * backlog or resume cursor already covered; a live stream further behind than this may repeat.
 */
const CATCH_UP_LIMIT_MS = 10_000;

/** A listener's backlog; `incomplete` when records after its resume cursors may be missing. */
interface ListenerBacklog extends Backlog {
  readonly incomplete?: boolean;
}

const NO_BACKLOG: ListenerBacklog = { targets: [], records: [] };

export interface StreamFanoutDeps {
  readonly bus: ReplayableLogBus;
  readonly channel: string;
  readonly access: AccessService;
  readonly rules: ReadonlyMap<string, RecordRule<unknown>>;
  readonly namespace: LogsNamespace;
  readonly metrics: GatewayMetrics;
  readonly logger: PluginLogger;
  readonly maxBatchRecords: number;
  /** How long time-ordered listeners' records wait for earlier ones from other targets. */
  readonly reorderWindowMs: number;
  /** Called for every listener that leaves, however it leaves. */
  readonly onListenerRemoved: (fanout: StreamFanout, listener: StreamListener) => void;
  /** Called when the last listener left. */
  readonly onIdle: (fanout: StreamFanout) => void;
}

export class StreamFanout {
  private readonly targets = new Map<string, WireTarget>();
  private readonly listeners = new Map<string, StreamListener>();
  /** Listeners still receiving their backlog; live batches are held for them meanwhile. */
  private readonly holding = new Set<StreamListener>();
  /** Live listeners with floors the live stream has not passed yet (see StreamListener.floors). */
  private readonly catchingUp = new Set<StreamListener>();
  /** Per delivery path, the cursor of the last record it delivered, per target. */
  private readonly lastLive: Record<RecordOrder, Map<string, string>> = { source: new Map(), time: new Map() };
  private readonly classes: ClassRooms;
  private readonly reorder: ReorderWindow;
  private readonly slow: SlowListeners;
  private timeListeners = 0;
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe: (() => Promise<void>) | undefined;
  private stopWatchingBus: (() => void) | undefined;
  private readonly position = new ChannelPosition();
  /** Per target, the cursor of the last record read back from the source; live ones up to it repeat. */
  private readonly readBackFloors: DeliveryFloors = new Map();
  private readBackTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly stream: StreamDescriptor,
    private readonly deps: StreamFanoutDeps,
  ) {
    this.classes = new ClassRooms(stream.id);
    this.reorder = new ReorderWindow({
      windowMs: deps.reorderWindowMs,
      onRelease: (released) => this.deliverReleased(released),
      schedule: (task) => void this.enqueue(task),
    });
    this.slow = new SlowListeners(stream.id, { metrics: deps.metrics, schedule: (task) => void this.enqueue(task) });
  }

  async start(): Promise<void> {
    this.stopWatchingBus = this.deps.bus.onConnectionChange((state) => {
      if (state === 'down') this.position.down();
      else void this.enqueue(() => this.afterBusOutage());
    });
    this.unsubscribe = await this.deps.bus.subscribe(this.deps.channel, (raw, id) => {
      if (!this.position.hold(raw, id)) void this.enqueue(() => this.onBusMessage(raw, id, 'live'));
    });
  }

  async close(): Promise<void> {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    this.stopWatchingBus?.();
    clearTimeout(this.readBackTimer);
    this.reorder.clear();
    this.slow.close();
    for (const listener of this.catchingUp) clearTimeout(listener.catchUpTimer);
    await unsubscribe?.();
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  has(socketId: string): boolean {
    return this.listeners.has(socketId);
  }

  /** Registers a listener that receives nothing until `activate` sends its backlog. */
  register(request: ListenerRequest): StreamListener {
    const listener: StreamListener = {
      id: request.socket.id,
      socket: request.socket,
      subject: request.subject,
      access: new Map(),
      scopePredicate: request.scopePredicate,
      scopeSignature: request.scopeSignature,
      deniedSent: new Set(),
      held: [],
      heldGaps: undefined,
      floors: undefined,
      catchUpTimer: undefined,
      classKey: undefined,
      order: request.order,
      follows: request.follow,
    };
    this.listeners.set(listener.id, listener);
    this.holding.add(listener);
    if (listener.order === 'time') this.timeListeners++;
    this.deps.metrics.listenersActive.inc();
    return listener;
  }

  /** Decides the listener's access, sends its backlog, then puts it on the live stream. */
  async activate(listener: StreamListener, request: ListenerRequest): Promise<void> {
    try {
      await Promise.all([...this.targets].map(([key, target]) => this.ensureDecided(listener, key, target)));
      const backlog = request.backlog ? await this.readBacklog(listener, request.backlog) : NO_BACKLOG;
      await this.enqueue(() => this.goLive(listener, backlog, request));
    } catch (error) {
      this.deps.logger.error({ stream: this.stream.id, err: error instanceof Error ? error.name : 'unknown' }, 'activation failed');
      this.end(listener, 'upstream_failed');
    }
  }

  /** Removes a listener; true when it was here. */
  remove(socketId: string): boolean {
    const listener = this.listeners.get(socketId);
    if (!listener) return false;
    this.listeners.delete(socketId);
    this.holding.delete(listener);
    this.catchingUp.delete(listener);
    clearTimeout(listener.catchUpTimer);
    if (listener.order === 'time' && --this.timeListeners === 0) this.reorder.clear();
    this.deps.metrics.listenersActive.dec();
    this.classes.leave(listener);
    this.slow.release(listener);
    listener.socket.data.subscriptions.delete(this.stream.id);
    this.deps.onListenerRemoved(this, listener);
    if (this.listeners.size === 0) this.deps.onIdle(this);
    return true;
  }

  /** Decides every listener's access again (revocation, label changes) and regroups. */
  async recheck(): Promise<void> {
    const fresh = await Promise.all(
      [...this.listeners.values()].flatMap((listener) =>
        [...this.targets].map(async ([key, target]) => ({ listener, key, target, decision: await this.decide(listener, target, true) })),
      ),
    );
    await this.enqueue(() => {
      for (const { listener, key, target, decision } of fresh) {
        if (!this.listeners.has(listener.id) || !this.targets.has(key)) continue;
        const before = listener.access.get(key);
        const after = compileAccess(decision, this.deps.rules);
        listener.access.set(key, after);
        if (before?.allowed === after.allowed || listener.held !== undefined) continue;
        // A target that became visible is announced again; one that was revoked gets a fresh `denied`.
        listener.deniedSent.delete(key);
        this.announce(listener, key, target);
      }
      // Records waiting for slow listeners were filtered with the access they had when queued.
      if (this.slow.size > 0) this.slow.retain((listener, record) => mayRead(listener, wireTargetKey(record), record));
      this.rebuildClasses();
    });
  }

  private enqueue(task: () => Promise<void> | void): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch((error: unknown) => {
      this.deps.logger.error({ stream: this.stream.id, err: error instanceof Error ? error.name : 'unknown' }, 'stream task failed');
    });
    return run;
  }

  /**
   * A bus message, unless it was handled already (see ChannelPosition). The first message of a
   * new holder (a higher fence) means a takeover: what the previous one read but had not
   * published is filled from the source, or reported. `withoutRecords`: its records were read
   * back from the source instead.
   */
  private async onBusMessage(raw: string, id: MessageId | undefined, arrival: Arrival, withoutRecords = false): Promise<void> {
    const admission = this.position.admit(raw, id, arrival);
    if (admission === 'skip') return;
    if (admission === 'takeover') await this.fillGap('takeover', undefined);
    await this.onMessage(raw, withoutRecords);
  }

  private async onMessage(raw: string, withoutRecords = false): Promise<void> {
    const message: BusMessage | undefined = decodeBusMessage(raw);
    if (!message) {
      this.deps.metrics.recordsDropped.inc({ reason: 'malformed_bus_message' });
      this.deps.logger.warn({ stream: this.stream.id }, 'dropped a malformed bus message');
      return;
    }
    if (message.t === 'records') return withoutRecords ? undefined : this.onRecords(message.records);
    if (message.t === 'end') return this.endAll(message.reason);
    if (message.t === 'gap') return this.fillGap('bus_interrupted', message.missed);
    if (message.op === 'added') return this.addTarget(message.target);
    this.removeTarget(message.target, message.reason);
  }

  private async onRecords(batch: readonly WireRecord[]): Promise<void> {
    const records =
      this.readBackFloors.size === 0 ? batch : batch.filter((r) => passFloor(this.readBackFloors, wireTargetKey(r), r.cursor));
    if (records.length === 0) return;
    const keys = records.map(wireTargetKey);
    for (let i = 0; i < records.length; i++) {
      // A replica that joined a running stream learns its targets from their records.
      if (!this.targets.has(keys[i] as string)) await this.addTarget(wireTargetOf(records[i] as WireRecord));
    }
    this.deliver('source', records, keys);
    if (this.timeListeners > 0) this.reorder.push(records, keys);
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
    let replayed: ReplayResult | undefined;
    const after = this.position.after;
    if (after !== undefined) {
      try {
        replayed = await this.deps.bus.replay(this.deps.channel, after);
      } catch (error) {
        this.deps.logger.warn({ stream: this.stream.id, err: error instanceof Error ? error.name : 'unknown' }, 'bus replay failed');
      }
    }
    let withoutRecords = false;
    if (replayed?.complete !== true || overflowed) {
      withoutRecords = this.listeners.size > 0 && (await this.readBack());
      if (!withoutRecords) this.reportGap('bus_interrupted', undefined);
    }
    for (const { id, message } of replayed?.messages ?? []) await this.onBusMessage(message, id, 'replayed', withoutRecords);
    for (const { raw, id } of held) await this.onBusMessage(raw, id, 'held');
  }

  /**
   * Records are missing from the bus (`missed` says which, when the holder knows): read back
   * from the source after the last cursor delivered per target when it can resume, else a `gap`
   * to each listener that may see any of them.
   */
  private async fillGap(reason: GapReason, missed: readonly GapCount[] | undefined): Promise<void> {
    if (this.listeners.size === 0) return;
    if (await this.readBack()) return;
    this.reportGap(reason, missed);
  }

  /** Reads the source after the last delivered cursors and delivers it as live; false when it cannot. */
  private async readBack(): Promise<boolean> {
    const source = this.stream.source.source;
    const delivered = this.lastLive.source;
    if (!canResume(source) || !source.backlog || delivered.size === 0) return false;
    // Targets that appeared meanwhile continue from the earliest point any other one is at.
    const otherwise = [...delivered.values()].reduce((min, cursor) => (cursor < min ? cursor : min));
    let backlog: Backlog;
    try {
      const signal = AbortSignal.timeout(30_000);
      backlog = await source.backlog(
        this.stream.selector,
        { after: { byTarget: new Map(delivered), otherwise } },
        { signal, logger: this.deps.logger },
      );
    } catch (error) {
      this.deps.logger.warn({ stream: this.stream.id, err: error instanceof Error ? error.name : 'unknown' }, 'could not read back a gap');
      return false;
    }
    for (const target of backlog.targets) await this.addTarget(toWireTarget(target));
    const records = backlog.records.map(toWireRecord).filter((record) => this.targets.has(wireTargetKey(record)));
    for (let i = 0; i < records.length; i += this.deps.maxBatchRecords)
      await this.onRecords(records.slice(i, i + this.deps.maxBatchRecords));
    // Whatever comes again up to what was delivered — read back now or sent before — is a repeat
    // (a takeover's catch-up, a deposed holder's last batches).
    for (const [key, cursor] of this.lastLive.source) this.readBackFloors.set(key, cursor);
    // Floors of targets the live stream never reaches again would stay forever.
    clearTimeout(this.readBackTimer);
    this.readBackTimer = setTimeout(() => void this.enqueue(() => this.readBackFloors.clear()), CATCH_UP_LIMIT_MS);
    this.readBackTimer.unref();
    this.deps.metrics.gapsFilled.inc(records.length);
    return true;
  }

  /** Tells every listener (after what its lane holds, or after its backlog) that records may be missing here. */
  private reportGap(reason: GapReason, missed: readonly GapCount[] | undefined): void {
    if (this.listeners.size === 0) return;
    this.deps.metrics.gaps.inc({ reason });
    for (const listener of this.listeners.values()) {
      const payload = gapFor(this.stream.id, reason, missed, (key) => listener.access.get(key)?.allowed === true);
      if (!payload) continue;
      if (listener.held === undefined) this.slow.send(listener, { event: 'gap', payload });
      else (listener.heldGaps ??= []).push(payload);
    }
  }

  private deliverReleased({ records, targets }: Released): void {
    for (let i = 0; i < records.length; i += this.deps.maxBatchRecords) {
      this.deliver('time', records.slice(i, i + this.deps.maxBatchRecords), targets.slice(i, i + this.deps.maxBatchRecords));
    }
  }

  /** One batch to the listeners of one order: held, emitted once per class room, or caught up. */
  private deliver(order: RecordOrder, records: readonly WireRecord[], keys: readonly string[]): void {
    const lastLive = this.lastLive[order];
    for (let i = 0; i < records.length; i++) lastLive.set(keys[i] as string, (records[i] as WireRecord).cursor);
    for (const listener of this.holding) if (listener.order === order) listener.held?.push([...records]);
    for (const cls of this.classes.values()) {
      if (cls.order !== order) continue;
      const batch = filterForClass(records, keys, cls);
      if (batch.length === 0) continue;
      this.emitToClass(cls, batch);
    }
    for (const listener of this.catchingUp) if (listener.order === order) this.catchUp(listener, records, keys);
  }

  /** One emit to the class room, without its members whose connection is behind: their slow lanes get the batch. */
  private emitToClass(cls: PermissionClass, batch: WireRecord[]): void {
    const behind = this.slow.behindAmong(cls.members, this.listeners);
    const current = cls.members.size - behind.length;
    if (current > 0) {
      const room = this.deps.namespace.local.to(cls.room);
      (this.slow.size > 0 ? room.except(this.slow.room) : room).emit('records', { sub: this.stream.id, batch });
      this.deps.metrics.recordsDelivered.inc(batch.length * current);
    }
    if (behind.length > 0) this.slow.queueRecords(behind, batch);
  }

  /** A listener still behind its floors gets a batch of its own, without what it already has. */
  private catchUp(listener: StreamListener, records: readonly WireRecord[], keys: readonly string[]): void {
    const floors = listener.floors;
    if (!floors) return;
    const batch = records.filter(
      (record, i) => passFloor(floors, keys[i] as string, record.cursor) && mayRead(listener, keys[i] as string, record),
    );
    this.slow.sendRecords(listener, batch);
    if (floors.size === 0) this.endCatchUp(listener);
  }

  private async addTarget(target: WireTarget): Promise<void> {
    const key = wireTargetKey(target);
    if (this.targets.has(key)) return;
    this.targets.set(key, target);
    await Promise.all([...this.listeners.values()].map((listener) => this.ensureDecided(listener, key, target)));
    for (const listener of this.listeners.values()) {
      if (listener.held === undefined) this.announce(listener, key, target);
    }
    this.rebuildClasses();
  }

  private removeTarget(target: WireTarget, reason: TargetEndReason | undefined): void {
    const key = wireTargetKey(target);
    if (!this.targets.has(key)) return;
    // Its records still waiting in the reorder window leave while its listeners may see them.
    if (this.timeListeners > 0) this.reorder.releaseTarget(key);
    this.targets.delete(key);
    this.lastLive.source.delete(key);
    this.lastLive.time.delete(key);
    const sub = this.stream.id;
    const event: TargetEvent = reason === undefined ? { sub, op: 'removed', target } : { sub, op: 'removed', target, reason };
    for (const listener of this.listeners.values()) {
      if (listener.held === undefined && listener.access.get(key)?.allowed) this.slow.send(listener, { event: 'target', payload: event });
      listener.access.delete(key);
      listener.deniedSent.delete(key);
      listener.floors?.delete(key);
      if (listener.floors?.size === 0) this.endCatchUp(listener);
    }
    this.rebuildClasses();
  }

  private decide(listener: StreamListener, target: WireTarget, fresh = false) {
    return this.deps.access.decideTarget(listener.subject, fromWireTarget(target), fresh);
  }

  private async ensureDecided(listener: StreamListener, key: string, target: WireTarget): Promise<void> {
    if (listener.access.has(key)) return;
    const decision = await this.decide(listener, target);
    if (!listener.access.has(key)) listener.access.set(key, compileAccess(decision, this.deps.rules));
  }

  /** Tells a listener about a target: `target added` when it may see it, else one `denied`. */
  private announce(listener: StreamListener, key: string, target: WireTarget): void {
    const access = listener.access.get(key);
    if (access?.allowed) {
      this.slow.send(listener, { event: 'target', payload: { sub: this.stream.id, op: 'added', target } });
    } else if (!listener.deniedSent.has(key)) {
      listener.deniedSent.add(key);
      this.deps.metrics.deniedTargets.inc();
      this.slow.send(listener, { event: 'denied', payload: { sub: this.stream.id, target, reason: access?.reason ?? 'not decided' } });
    }
  }

  /**
   * The listener's backlog from the source, or for a resume the source cannot serve, from the
   * bus's replay buffer (incomplete when it no longer reaches back to the cursors).
   */
  private async readBacklog(listener: StreamListener, options: BacklogOptions): Promise<ListenerBacklog> {
    const source = this.stream.source.source;
    let backlog: ListenerBacklog;
    if (options.after && !canResume(source)) {
      const { messages } = await this.deps.bus.replay(this.deps.channel);
      const replayed = replayBacklog(messages, options.after);
      backlog = { ...replayed.backlog, incomplete: !replayed.complete };
    } else if (source.backlog) {
      const signal = AbortSignal.timeout(30_000);
      backlog = await source.backlog(this.stream.selector, options, { signal, logger: this.deps.logger });
    } else {
      return NO_BACKLOG;
    }
    await Promise.all(backlog.targets.map((t) => this.ensureDecided(listener, wireTargetKey(toWireTarget(t)), toWireTarget(t))));
    return backlog;
  }

  /**
   * Sends the backlog and what was held meanwhile, without anything the listener has already
   * (see delivery-floors), then serves it from its class room — or on its own until the live
   * stream is past its floors.
   */
  private goLive(listener: StreamListener, backlog: ListenerBacklog, request: ListenerRequest): void {
    if (!this.listeners.has(listener.id)) return;
    for (const [key, target] of this.targets) this.announce(listener, key, target);
    const records = backlog.records.map(toWireRecord);
    const visible = records.filter((record) => {
      const key = wireTargetKey(record);
      if (!this.targets.has(key) && listener.access.get(key)?.allowed === false) this.announce(listener, key, record);
      return mayRead(listener, key, record);
    });
    const targets = [...this.targets.keys(), ...backlog.targets.map(targetKey)];
    const floors = initialFloors(request.backlog?.after, targets, records, (key) => listener.access.get(key)?.allowed === true);
    const held = (listener.held ?? []).flat().filter((record) => {
      const key = wireTargetKey(record);
      return passFloor(floors, key, record.cursor) && mayRead(listener, key, record);
    });
    liftPassedFloors(floors, this.lastLive[listener.order]);
    listener.held = undefined;
    this.holding.delete(listener);
    if (backlog.incomplete === true) {
      this.deps.metrics.gaps.inc({ reason: 'resume_incomplete' });
      this.slow.send(listener, { event: 'gap', payload: { sub: this.stream.id, reason: 'resume_incomplete' } });
    }
    this.sendBacklog(listener, listener.order === 'time' ? sortByTime(visible) : visible);
    if (request.follow) {
      for (const payload of listener.heldGaps ?? []) this.slow.send(listener, { event: 'gap', payload });
      this.sendBacklog(listener, held);
    }
    listener.heldGaps = undefined;
    if (!request.follow) return this.end(listener, 'complete');
    if (floors.size === 0) return this.classes.join(listener, this.liveTargetKeys());
    listener.floors = floors;
    this.catchingUp.add(listener);
    listener.catchUpTimer = setTimeout(() => void this.enqueue(() => this.endCatchUp(listener)), CATCH_UP_LIMIT_MS);
    listener.catchUpTimer.unref();
  }

  /** The live stream is past the listener's floors (or it waited long enough): into its class. */
  private endCatchUp(listener: StreamListener): void {
    if (!this.catchingUp.delete(listener)) return;
    clearTimeout(listener.catchUpTimer);
    listener.catchUpTimer = undefined;
    listener.floors = undefined;
    this.classes.join(listener, this.liveTargetKeys());
  }

  /** What a listener gets before it is live, however large: its connection is checked from the first live batch on. */
  private sendBacklog(listener: StreamListener, records: readonly WireRecord[]): void {
    for (let i = 0; i < records.length; i += this.deps.maxBatchRecords) {
      const batch = records.slice(i, i + this.deps.maxBatchRecords);
      listener.socket.emit('records', { sub: this.stream.id, batch });
      this.deps.metrics.recordsDelivered.inc(batch.length);
    }
  }

  /** Ends one socket's subscription with a reason; true when it was here. */
  endListener(socketId: string, reason: EndReason): boolean {
    const listener = this.listeners.get(socketId);
    if (listener) this.end(listener, reason);
    return listener !== undefined;
  }

  private end(listener: StreamListener, reason: EndReason): void {
    if (!this.listeners.has(listener.id)) return;
    this.slow.end(listener);
    listener.socket.emit('ended', { sub: this.stream.id, reason });
    this.remove(listener.id);
  }

  /** The upstream ended: its targets are gone with it, and so are its listeners. */
  private endAll(reason: EndReason): void {
    this.reorder.drain();
    this.targets.clear();
    for (const listener of [...this.listeners.values()]) this.end(listener, reason);
  }

  private liveTargetKeys(): string[] {
    return [...this.targets.keys()].sort();
  }

  /** Regroups every listener in a class; the targets or someone's access changed. */
  private rebuildClasses(): void {
    const members = [...this.listeners.values()].filter((l) => l.held === undefined && l.floors === undefined);
    this.classes.rebuild(members, this.liveTargetKeys());
  }
}
