// A new listener's way onto a live stream: its access to every known target decided, then its
// backlog (tail / since / resume) read from the source a page at a time as its connection drains
// — live batches held for it meanwhile — then what it missed of the stream's targets and what was
// held, without anything it already has (delivery-floors), and into its permission class — or
// served on its own until the live stream is past its floors (phase `catching-up`).
import { droppedEvent, gapEvent, recordsEvent, targetRemovedEvent, type WireRecord, type WireTarget } from '@tailgate/contracts';
import type { ReplayableLogBus } from '@tailgate/bus';
import type { BacklogOptions, PluginLogger } from '@tailgate/plugin-sdk';

import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { waitForRoom } from '../wire/wait-for-room';
import { type BusFrame, wireTargetKey, wireTargetOf } from '../model/bus-message';
import { canResume } from '../model/can-resume';
import type { ClassDelivery } from './class-delivery';
import { initialFloors, liftPassedFloors, noteLastCursors, passFloor } from './delivery-floors';
import { errorName } from '../model/error-name';
import { BacklogProgress, BacklogRead, heldRuns, type ListenerBacklog, missedTargetChanges } from './listener-backlog';
import type { ListenerAccess } from './listener-access';
import type { ListenerPhase } from './listener-phase';
import type { ListenerRegistry } from './listener-registry';
import { replayWireBacklog } from './replay-backlog';
import type { SlowListeners } from './slow-listeners';
import type { StreamDescriptor } from '../model/stream-descriptor';
import { type ListenerRequest, mayRead, type StreamListener } from './stream-listener';
import { countDelivered, creditTally } from './delivered-tally';
import { sortByTime } from './time-order';
import { toWireBacklog } from './wire-backlog';

/**
 * Longest a new listener is served on its own while the live stream catches up with what its
 * backlog or resume cursor already covered; a live stream further behind than this may repeat.
 */
const CATCH_UP_LIMIT_MS = 10_000;
/** Share of a connection's buffer (`listenerBufferBytes`) a backlog fills before it waits for the client. */
const BACKLOG_BUFFER_SHARE = 0.5;
/** The live phase carries no data: every live listener shares this one (an object each would be held per listener). */
const LIVE: ListenerPhase = Object.freeze({ kind: 'live' });

export interface OnboardingDeps {
  readonly stream: StreamDescriptor;
  readonly bus: ReplayableLogBus<BusFrame>;
  readonly channel: string;
  readonly metrics: GatewayMetrics;
  readonly logger: PluginLogger;
  readonly maxBatchRecords: number;
  /** How long a backlog waits for a full connection to drain before the client is disconnected. */
  readonly drainTimeoutMs: number;
  readonly targets: ReadonlyMap<string, WireTarget>;
  readonly listeners: ListenerRegistry;
  readonly access: ListenerAccess;
  readonly delivery: ClassDelivery;
  readonly slow: SlowListeners;
  /** Runs a task in the stream's order. */
  readonly enqueue: (task: () => Promise<void> | void) => Promise<void>;
  readonly end: (listener: StreamListener, reason: 'complete' | 'upstream_failed') => void;
  readonly liveTargetKeys: () => string[];
}

export class ListenerOnboarding {
  constructor(private readonly deps: OnboardingDeps) {}

  /** Decides the listener's access, sends its backlog as its connection drains, then puts it on the live stream. */
  async activate(listener: StreamListener, request: ListenerRequest): Promise<void> {
    const { targets, access, enqueue } = this.deps;
    const read = new BacklogRead();
    const progress = new BacklogProgress();
    try {
      await Promise.all([...targets].map(([key, target]) => access.ensureDecided(listener, key, target)));
      const backlog = request.backlog ? await read.step(this.openBacklog(listener, request.backlog, read.signal)) : undefined;
      await enqueue(() => this.beginBacklog(listener, backlog, progress));
      if (backlog) await this.sendBacklog(listener, backlog, read, progress);
      await enqueue(() => this.goLive(listener, backlog, request, progress));
    } catch (error) {
      this.deps.logger.error({ stream: this.deps.stream.id, err: errorName(error) }, 'activation failed');
      this.deps.end(listener, 'upstream_failed');
    } finally {
      read.close();
    }
  }

  /** The live stream is past the listener's floors (or it waited long enough): into its class. */
  endCatchUp(listener: StreamListener, expired = false): void {
    const phase = listener.phase;
    const live = this.deps.listeners.move(listener, { type: expired ? 'catch-up-expired' : 'floors-passed' }, () => LIVE);
    if (!live) return;
    if (phase.kind === 'catching-up') clearTimeout(phase.timer);
    this.deps.delivery.join(listener, this.deps.liveTargetKeys());
  }

  /**
   * The listener's backlog from the source — its targets decided, its records not read yet — or,
   * for a resume the source cannot serve, from the bus's replay buffer (incomplete when it no
   * longer reaches back to the cursors).
   */
  private async openBacklog(listener: StreamListener, options: BacklogOptions, signal: AbortSignal): Promise<ListenerBacklog | undefined> {
    const { stream, bus, channel, logger, access } = this.deps;
    const source = stream.source.source;
    let backlog: ListenerBacklog;
    if (options.after && !canResume(source)) {
      const { messages } = await bus.replay(channel);
      const replayed = replayWireBacklog(messages, options.after);
      backlog = { ...replayed.backlog, incomplete: !replayed.complete };
    } else if (source.backlog) {
      backlog = toWireBacklog(await source.backlog(stream.selector, options, { signal, logger }));
    } else {
      return undefined;
    }
    await Promise.all(backlog.targets.map((t) => access.ensureDecided(listener, wireTargetKey(t), t)));
    return backlog;
  }

  /** Before its backlog, the listener learns the stream's targets, and whether its resume is incomplete. */
  private beginBacklog(listener: StreamListener, backlog: ListenerBacklog | undefined, progress: BacklogProgress): void {
    if (!this.deps.listeners.holds(listener)) return;
    for (const [key, target] of this.deps.targets) {
      this.deps.access.announce(listener, key, target);
      progress.told.set(key, { target, allowed: listener.access.get(key)?.allowed === true });
    }
    for (const [key, access] of listener.access) progress.access.set(key, access);
    if (backlog?.incomplete === true) {
      this.deps.metrics.gaps.inc({ reason: 'resume_incomplete' });
      this.deps.slow.send(listener, { event: 'gap', payload: gapEvent(this.deps.stream.id, 'resume_incomplete', undefined) });
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
    const wanted = () => this.deps.listeners.holds(listener);
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
  private sendPage(listener: StreamListener, records: readonly WireRecord[], progress: BacklogProgress): void {
    if (!this.deps.listeners.holds(listener)) return;
    noteLastCursors(progress.last, records);
    // A target removed while the backlog is sent keeps the access it had then: its records are history.
    let asBefore: StreamListener | undefined;
    const readerOf = (key: string) => (listener.access.has(key) ? listener : (asBefore ??= { ...listener, access: progress.access }));
    const visible = records.filter((record) => {
      const key = wireTargetKey(record);
      const reader = readerOf(key);
      const unannounced = !this.deps.targets.has(key) && !progress.told.has(key);
      if (unannounced && reader.access.get(key)?.allowed === false) this.deps.access.announce(listener, key, wireTargetOf(record));
      return mayRead(reader, key, record);
    });
    this.emitOwn(listener, listener.order === 'time' ? sortByTime(visible, progress.timeKeys) : visible);
  }

  /** A connection that did not take anything for `drainTimeoutMs` while a backlog waited on it. */
  private disconnectStalled(listener: StreamListener): void {
    this.deps.logger.warn(
      { stream: this.deps.stream.id, user: listener.subject.user, connection: listener.id, waitedMs: this.deps.drainTimeoutMs },
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
    const { listeners, targets, access, slow, stream } = this.deps;
    const onboarding = listener.phase;
    if (!listeners.holds(listener) || onboarding.kind !== 'onboarding') return;
    const readable = (key: string) => listener.access.get(key)?.allowed === true;
    const missed = missedTargetChanges(progress.told, targets, readable);
    for (const [key, target] of missed.announce) {
      if (progress.told.has(key)) listener.deniedSent.delete(key);
      access.announce(listener, key, target);
    }
    for (const target of missed.removed)
      slow.send(listener, { event: 'target', payload: targetRemovedEvent(stream.id, target, undefined) });
    const floors = initialFloors(
      request.backlog?.after,
      [...targets.keys(), ...(backlog?.targets ?? []).map(wireTargetKey)],
      progress.last,
      readable,
    );
    const held = heldRuns(onboarding.held, (record) => {
      const key = wireTargetKey(record);
      return passFloor(floors, key, record.cursor) && mayRead(listener, key, record);
    });
    liftPassedFloors(floors, this.deps.delivery.lastLive[listener.order]);
    if (!request.follow) return this.deps.end(listener, 'complete');
    for (const payload of onboarding.gaps) slow.send(listener, { event: 'gap', payload });
    for (const { droppedBefore, records } of held) {
      if (droppedBefore > 0) listener.socket.emit('dropped', droppedEvent(stream.id, droppedBefore));
      this.emitOwn(listener, records);
    }
    const next = listeners.move(listener, { type: 'backlog-sent', floorsLeft: floors.size > 0 }, (kind) => {
      if (kind === 'live') return LIVE;
      const timer = setTimeout(() => void this.deps.enqueue(() => this.endCatchUp(listener, true)), CATCH_UP_LIMIT_MS);
      timer.unref();
      return { kind: 'catching-up', floors, timer };
    });
    if (next?.kind === 'live') this.deps.delivery.join(listener, this.deps.liveTargetKeys());
  }

  /**
   * Records of the listener's own (a backlog page, a replay, what was held for it), in wire
   * batches masked by its redaction, like its class's live batches.
   */
  private emitOwn(listener: StreamListener, records: readonly WireRecord[]): void {
    const max = this.deps.maxBatchRecords;
    for (let i = 0; i < records.length; i += max) {
      const batch = records.slice(i, i + max);
      listener.socket.emit('records', recordsEvent(this.deps.stream.id, listener.mask.apply(batch)));
      creditTally(listener, countDelivered(this.deps.metrics, batch));
    }
  }
}
