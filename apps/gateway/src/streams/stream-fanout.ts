// The local end of one stream on this replica: reads the stream's bus channel, decides each
// listener's access to each target before any of its records flows, keeps listeners grouped
// into permission classes, and emits every batch once per class room. Listeners that order by
// time get their batches from the stream's reorder window instead, also once per class room.
// Listeners whose connection fell behind are left out of the broadcasts and served from their
// slow lanes (slow-listeners.ts), checked once per batch. When records may have gone missing on
// the bus (this replica lost Redis for a while, or the holder could not publish), it takes what
// the bus still holds, reads the rest back from the source when the source can resume, and
// otherwise tells its listeners with a `gap`.
import {
  deniedEvent,
  droppedEvent,
  type EndReason,
  endedEvent,
  type GapCount,
  hiddenEvent,
  gapEvent,
  type GapReason,
  type RecordOrder,
  recordsEvent,
  type TargetEndReason,
  targetAddedEvent,
  targetRemovedEvent,
  type WireRecord,
  type WireTarget,
} from '@tailgate/contracts';
import type { MessageId, ReplayableLogBus, ReplayResult } from '@tailgate/bus';
import {
  type BacklogOptions,
  type LogRecord,
  type PluginLogger,
  type RecordRule,
  type Subject,
  type TargetRef,
  targetKey,
} from '@tailgate/plugin-sdk';

import { type AccessService, AUTHORIZER_ERROR } from '../access/access.service';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { LogsNamespace } from '../socket/logs-socket';
import { waitForRoom } from '../socket/wait-for-room';
import { type BusMessage, decodeBusMessage, fromWireTarget, toWireRecord, toWireTarget, wireTargetKey, wireTargetOf } from './bus-message';
import { batchBytes } from './batch-bytes';
import { canResume } from './can-resume';
import { type Arrival, ChannelPosition } from './channel-position';
import { ClassRooms } from './class-rooms';
import { type DeliveryFloors, initialFloors, liftPassedFloors, noteLastCursors, passFloor } from './delivery-floors';
import { gapFor } from './gap-notice';
import { filterForClass, type PermissionClass } from './permission-classes';
import { BacklogProgress, BacklogRead, heldRuns, type ListenerBacklog, missedTargetChanges } from './listener-backlog';
import { ReorderWindow } from './reorder-window';
import { replayBacklog } from './replay-backlog';
import { SlowLane } from './slow-lane';
import { SlowListeners } from './slow-listeners';
import type { StreamDescriptor } from './stream-descriptor';
import { type ListenerRequest, mayRead, type StreamListener } from './stream-listener';
import { compileAccess, type TargetAccess } from './target-access';
import type { Released } from './time-merge-buffer';
import { sortByTime } from './time-order';

/**
 * Longest a new listener is served on its own while the live stream catches up with what its
 * backlog or resume cursor already covered; a live stream further behind than this may repeat.
 */
const CATCH_UP_LIMIT_MS = 10_000;
/** Share of a connection's buffer (`listenerBufferBytes`) a backlog fills before it waits for the client. */
const BACKLOG_BUFFER_SHARE = 0.5;

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
  /** How long a backlog waits for a full connection to drain before the client is disconnected. */
  readonly drainTimeoutMs: number;
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
      namedPods: request.namedPods,
      hiddenCount: 0,
      held: new SlowLane(request.socket.data.listenerBufferBytes, request.socket.data.queuedBytes),
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

  /** Decides the listener's access, sends its backlog as its connection drains, then puts it on the live stream. */
  async activate(listener: StreamListener, request: ListenerRequest): Promise<void> {
    const read = new BacklogRead();
    const progress = new BacklogProgress();
    try {
      await Promise.all([...this.targets].map(([key, target]) => this.ensureDecided(listener, key, target)));
      const backlog = request.backlog ? await read.step(this.openBacklog(listener, request.backlog, read.signal)) : undefined;
      await this.enqueue(() => this.beginBacklog(listener, backlog, progress));
      if (backlog) await this.sendBacklog(listener, backlog, read, progress);
      await this.enqueue(() => this.goLive(listener, backlog, request, progress));
    } catch (error) {
      this.deps.logger.error({ stream: this.stream.id, err: error instanceof Error ? error.name : 'unknown' }, 'activation failed');
      this.end(listener, 'upstream_failed');
    } finally {
      read.close();
    }
  }

  /** Removes a listener; true when it was here. */
  remove(socketId: string): boolean {
    const listener = this.listeners.get(socketId);
    if (!listener) return false;
    this.listeners.delete(socketId);
    this.holding.delete(listener);
    // What was held for it no longer counts toward its connection's budget.
    listener.held?.clear();
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

  /** Decides listeners' access again (revocation, label changes; `touched`: only those pairs) and regroups. */
  async recheck(touched: (subject: Subject, target: TargetRef) => boolean = () => true): Promise<void> {
    const fresh = await Promise.all(
      [...this.listeners.values()].flatMap((listener) =>
        [...this.targets]
          .filter(([, target]) => touched(listener.subject, fromWireTarget(target)))
          .map(async ([key, target]) => ({ listener, key, target, after: await this.decide(listener, target, true) })),
      ),
    );
    await this.enqueue(() => {
      for (const { listener, key, target, after } of fresh) {
        if (!this.listeners.has(listener.id) || !this.targets.has(key)) continue;
        const before = listener.access.get(key);
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

  /**
   * Reads the source after the last delivered cursors and delivers it as live, a page at a time;
   * false when it cannot, or could not read to the end (what it delivered up to there stays).
   */
  private async readBack(): Promise<boolean> {
    const source = this.stream.source.source;
    const delivered = this.lastLive.source;
    if (!canResume(source) || !source.backlog || delivered.size === 0) return false;
    // Targets that appeared meanwhile continue from the earliest point any other one is at.
    const otherwise = [...delivered.values()].reduce((min, cursor) => (cursor < min ? cursor : min));
    let filled = 0;
    let complete = true;
    try {
      const signal = AbortSignal.timeout(30_000);
      const after = { byTarget: new Map(delivered), otherwise };
      const backlog = await source.backlog(this.stream.selector, { after }, { signal, logger: this.deps.logger });
      for (const target of backlog.targets) await this.addTarget(toWireTarget(target));
      for await (const page of backlog.pages) {
        const records = page.map(toWireRecord).filter((record) => this.targets.has(wireTargetKey(record)));
        for (let i = 0; i < records.length; i += this.deps.maxBatchRecords)
          await this.onRecords(records.slice(i, i + this.deps.maxBatchRecords));
        filled += records.length;
      }
    } catch (error) {
      this.deps.logger.warn({ stream: this.stream.id, err: error instanceof Error ? error.name : 'unknown' }, 'could not read back a gap');
      if (filled === 0) return false;
      complete = false;
    }
    // Whatever comes again up to what was delivered — read back now or sent before — is a repeat
    // (a takeover's catch-up, a deposed holder's last batches).
    for (const [key, cursor] of this.lastLive.source) this.readBackFloors.set(key, cursor);
    // Floors of targets the live stream never reaches again would stay forever.
    clearTimeout(this.readBackTimer);
    this.readBackTimer = setTimeout(() => void this.enqueue(() => this.readBackFloors.clear()), CATCH_UP_LIMIT_MS);
    this.readBackTimer.unref();
    this.deps.metrics.gapsFilled.inc(filled);
    return complete;
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
    for (const listener of this.holding) if (listener.order === order) this.hold(listener, records, keys);
    for (const cls of this.classes.values()) {
      if (cls.order !== order) continue;
      const batch = filterForClass(records, keys, cls);
      if (batch.length === 0) continue;
      this.emitToClass(cls, batch);
    }
    for (const listener of this.catchingUp) if (listener.order === order) this.catchUp(listener, records, keys);
  }

  /**
   * Keeps a live batch for a following listener whose backlog is still on its way: what it may
   * read, within its buffer and its connection's budget, the oldest dropped past them.
   */
  private hold(listener: StreamListener, records: readonly WireRecord[], keys: readonly string[]): void {
    if (!listener.follows || !listener.held) return;
    const own = records.filter((record, i) => mayRead(listener, keys[i] as string, record));
    if (own.length === 0) return;
    const dropped = listener.held.push(own, batchBytes(own), own.length);
    if (dropped > 0) this.deps.metrics.recordsDropped.inc({ reason: 'slow_listener' }, dropped);
  }

  /** One emit to the class room, without its members whose connection is behind: their slow lanes get the batch. */
  private emitToClass(cls: PermissionClass, batch: WireRecord[]): void {
    const behind = this.slow.behindAmong(cls.members, this.listeners);
    const current = cls.members.size - behind.length;
    if (current > 0) {
      const room = this.deps.namespace.local.to(cls.room);
      (this.slow.size > 0 ? room.except(this.slow.room) : room).emit('records', recordsEvent(this.stream.id, batch));
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
    const event = targetRemovedEvent(this.stream.id, target, reason);
    for (const listener of this.listeners.values()) {
      if (listener.held === undefined && listener.access.get(key)?.allowed) this.slow.send(listener, { event: 'target', payload: event });
      listener.access.delete(key);
      listener.deniedSent.delete(key);
      listener.floors?.delete(key);
      if (listener.floors?.size === 0) this.endCatchUp(listener);
    }
    this.rebuildClasses();
  }

  /** The listener's access to a target; for a denied one also whether it may learn its name. */
  private async decide(listener: StreamListener, target: WireTarget, fresh = false): Promise<TargetAccess> {
    const ref = fromWireTarget(target);
    const decision = await this.deps.access.decideTarget(listener.subject, ref, fresh);
    const named =
      decision.result === 'deny' &&
      (listener.namedPods.has(`${target.ns}/${target.pod}`) || (await this.deps.access.mayListTargets(listener.subject, ref)));
    return compileAccess(decision, this.deps.rules, named);
  }

  private async ensureDecided(listener: StreamListener, key: string, target: WireTarget): Promise<void> {
    if (listener.access.has(key)) return;
    const access = await this.decide(listener, target);
    if (!listener.access.has(key)) listener.access.set(key, access);
  }

  /** Tells a listener about a target: `target added` when it may see it, else one `denied`. */
  private announce(listener: StreamListener, key: string, target: WireTarget): void {
    const access = listener.access.get(key);
    if (access?.allowed) {
      this.slow.send(listener, { event: 'target', payload: targetAddedEvent(this.stream.id, target) });
    } else if (!listener.deniedSent.has(key)) {
      listener.deniedSent.add(key);
      this.deps.metrics.deniedTargets.inc();
      // The authorizers' own words stay here; the client learns only "forbidden" or "unavailable".
      this.deps.logger.debug({ stream: this.stream.id, user: listener.subject.user, target: key, reason: access?.reason }, 'target denied');
      if (access?.named === true) {
        const reason = access.reason === AUTHORIZER_ERROR ? 'unavailable' : 'forbidden';
        this.slow.send(listener, { event: 'denied', payload: deniedEvent(this.stream.id, target, reason) });
      } else {
        listener.hiddenCount++;
        this.slow.send(listener, { event: 'hidden', payload: hiddenEvent(this.stream.id, listener.hiddenCount) });
      }
    }
  }

  /**
   * The listener's backlog from the source — its targets decided, its records not read yet — or,
   * for a resume the source cannot serve, from the bus's replay buffer (incomplete when it no
   * longer reaches back to the cursors).
   */
  private async openBacklog(listener: StreamListener, options: BacklogOptions, signal: AbortSignal): Promise<ListenerBacklog | undefined> {
    const source = this.stream.source.source;
    let backlog: ListenerBacklog;
    if (options.after && !canResume(source)) {
      const { messages } = await this.deps.bus.replay(this.deps.channel);
      const replayed = replayBacklog(messages, options.after);
      backlog = { ...replayed.backlog, incomplete: !replayed.complete };
    } else if (source.backlog) {
      backlog = await source.backlog(this.stream.selector, options, { signal, logger: this.deps.logger });
    } else {
      return undefined;
    }
    await Promise.all(backlog.targets.map((t) => this.ensureDecided(listener, wireTargetKey(toWireTarget(t)), toWireTarget(t))));
    return backlog;
  }

  /** Before its backlog, the listener learns the stream's targets, and whether its resume is incomplete. */
  private beginBacklog(listener: StreamListener, backlog: ListenerBacklog | undefined, progress: BacklogProgress): void {
    if (!this.listeners.has(listener.id)) return;
    for (const [key, target] of this.targets) {
      this.announce(listener, key, target);
      progress.told.set(key, { target, allowed: listener.access.get(key)?.allowed === true });
    }
    for (const [key, access] of listener.access) progress.access.set(key, access);
    if (backlog?.incomplete === true) {
      this.deps.metrics.gaps.inc({ reason: 'resume_incomplete' });
      this.slow.send(listener, { event: 'gap', payload: gapEvent(this.stream.id, 'resume_incomplete', undefined) });
    }
  }

  /**
   * Sends the backlog a page at a time, each page read only once the listener's connection has
   * room: a reader that does not drain holds the source's read, not the server's memory. The
   * backlog takes at most half the connection's buffer, so its other subscriptions keep theirs. A
   * connection that stays full for `drainTimeoutMs` is disconnected (docs/protocol.md).
   */
  private async sendBacklog(
    listener: StreamListener,
    backlog: ListenerBacklog,
    read: BacklogRead,
    progress: BacklogProgress,
  ): Promise<void> {
    const pages = backlog.pages[Symbol.asyncIterator]();
    const wanted = () => this.listeners.has(listener.id);
    const maxBytes = listener.socket.data.listenerBufferBytes * BACKLOG_BUFFER_SHARE;
    for (;;) {
      const room = await waitForRoom(listener.socket, maxBytes, this.deps.drainTimeoutMs, wanted);
      if (room !== 'room') {
        await pages.return?.();
        if (room === 'stalled') this.disconnectStalled(listener);
        return;
      }
      const next = await read.step(pages.next());
      if (next.done === true) return;
      this.sendPage(listener, next.value, progress);
    }
  }

  /** One page of a backlog: what the listener may read, in time order for `order: time`, in wire batches. */
  private sendPage(listener: StreamListener, page: readonly LogRecord[], progress: BacklogProgress): void {
    if (!this.listeners.has(listener.id)) return;
    const records = page.map(toWireRecord);
    noteLastCursors(progress.last, records);
    // A target removed while the backlog is sent keeps the access it had then: its records are history.
    let asBefore: StreamListener | undefined;
    const readerOf = (key: string) => (listener.access.has(key) ? listener : (asBefore ??= { ...listener, access: progress.access }));
    const visible = records.filter((record) => {
      const key = wireTargetKey(record);
      const reader = readerOf(key);
      const unannounced = !this.targets.has(key) && !progress.told.has(key);
      if (unannounced && reader.access.get(key)?.allowed === false) this.announce(listener, key, wireTargetOf(record));
      return mayRead(reader, key, record);
    });
    this.emitOwn(listener, listener.order === 'time' ? sortByTime(visible, progress.timeKeys) : visible);
  }

  /** A connection that did not take anything for `drainTimeoutMs` while a backlog waited on it. */
  private disconnectStalled(listener: StreamListener): void {
    this.deps.logger.warn(
      { stream: this.stream.id, user: listener.subject.user, socket: listener.id, waitedMs: this.deps.drainTimeoutMs },
      'disconnected a client that stopped reading its backlog',
    );
    this.deps.metrics.stalledDisconnects.inc();
    listener.socket.disconnect(true);
  }

  /**
   * After its backlog: what the listener missed of the stream's targets meanwhile, then what was
   * held for it, without anything it has already (see delivery-floors); then it is served from
   * its class room — or on its own until the live stream is past its floors.
   */
  private goLive(
    listener: StreamListener,
    backlog: ListenerBacklog | undefined,
    request: ListenerRequest,
    progress: BacklogProgress,
  ): void {
    if (!this.listeners.has(listener.id)) return;
    const readable = (key: string) => listener.access.get(key)?.allowed === true;
    const missed = missedTargetChanges(progress.told, this.targets, readable);
    for (const [key, target] of missed.announce) {
      if (progress.told.has(key)) listener.deniedSent.delete(key);
      this.announce(listener, key, target);
    }
    for (const target of missed.removed) {
      this.slow.send(listener, { event: 'target', payload: targetRemovedEvent(this.stream.id, target, undefined) });
    }
    const targets = [...this.targets.keys(), ...(backlog?.targets ?? []).map(targetKey)];
    const floors = initialFloors(request.backlog?.after, targets, progress.last, readable);
    const held = heldRuns(listener.held, (record) => {
      const key = wireTargetKey(record);
      return passFloor(floors, key, record.cursor) && mayRead(listener, key, record);
    });
    liftPassedFloors(floors, this.lastLive[listener.order]);
    listener.held = undefined;
    this.holding.delete(listener);
    if (request.follow) {
      for (const payload of listener.heldGaps ?? []) this.slow.send(listener, { event: 'gap', payload });
      for (const { droppedBefore, records } of held) {
        if (droppedBefore > 0) listener.socket.emit('dropped', droppedEvent(this.stream.id, droppedBefore));
        this.emitOwn(listener, records);
      }
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

  /** Records of the listener's own (a backlog page, what was held for it), in wire batches. */
  private emitOwn(listener: StreamListener, records: readonly WireRecord[]): void {
    for (let i = 0; i < records.length; i += this.deps.maxBatchRecords) {
      const batch = records.slice(i, i + this.deps.maxBatchRecords);
      listener.socket.emit('records', recordsEvent(this.stream.id, batch));
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
    listener.socket.emit('ended', endedEvent(this.stream.id, reason));
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
