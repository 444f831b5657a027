// The local end of one stream on this replica. It knows the stream's targets and listeners and
// runs everything about them in one task order; the jobs are done by its parts:
//   channel-reader       reads the bus channel, and fills or reports what went missing on it
//   listener-onboarding  brings a new listener onto the live stream (access, backlog, catch-up)
//   listener-access      decides each listener's access per target and tells it (added/denied/hidden)
//   class-delivery       emits every live batch once per permission-class room
//   slow-listeners       serves listeners whose connection fell behind from their lanes
// A listener's phase (onboarding → catching-up → live → ended) is one field (listener-phase.ts).
import {
  endedEvent,
  type EndReason,
  type GapCount,
  type GapReason,
  type TargetEndReason,
  targetRemovedEvent,
  type WireRecord,
  type WireTarget,
} from '@tailgate/contracts';
import type { ReplayableLogBus } from '@tailgate/bus';
import type { PluginLogger, RecordRule, Subject, TargetRef } from '@tailgate/plugin-sdk';

import type { AccessService } from '../access/access.service';
import type { Revocation } from '../audit/listener-audit';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { LogsNamespace } from '../wire/logs-socket';
import { type BusFrame, fromWireTarget, wireTargetKey, wireTargetKeys, wireTargetOf } from '../model/bus-message';
import { ChannelReader } from './channel-reader';
import { ClassDelivery } from './class-delivery';
import { errorName } from '../model/error-name';
import { gapFor } from './gap-notice';
import { ListenerAccess } from './listener-access';
import { ListenerOnboarding } from './listener-onboarding';
import { ListenerRegistry } from './listener-registry';
import { SlowLane } from './slow-lane';
import { SlowListeners } from './slow-listeners';
import type { StreamDescriptor } from '../model/stream-descriptor';
import { type ListenerRequest, mayRead, type StreamListener } from './stream-listener';

/** Why a listener's reads ended, for the audit trail: the `ended` reason it was told, or its connection closed. */
export type StreamEndReason = EndReason | 'disconnected';

export interface StreamFanoutDeps {
  readonly bus: ReplayableLogBus<BusFrame>;
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
  private readonly listeners = new ListenerRegistry();
  private readonly slow: SlowListeners;
  private readonly access: ListenerAccess;
  private readonly delivery: ClassDelivery;
  private readonly onboarding: ListenerOnboarding;
  private readonly channel: ChannelReader;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly stream: StreamDescriptor,
    private readonly deps: StreamFanoutDeps,
  ) {
    const { metrics, logger, maxBatchRecords } = deps;
    const schedule = (task: () => void): void => void this.enqueue(task);
    const enqueue = (task: () => Promise<void> | void): Promise<void> => this.enqueue(task);
    const liveTargetKeys = (): string[] => this.liveTargetKeys();
    this.slow = new SlowListeners(stream.id, { metrics, schedule });
    this.access = new ListenerAccess({ streamId: stream.id, access: deps.access, rules: deps.rules, slow: this.slow, metrics, logger });
    this.delivery = new ClassDelivery({
      streamId: stream.id,
      namespace: deps.namespace,
      metrics,
      slow: this.slow,
      listeners: this.listeners,
      maxBatchRecords,
      reorderWindowMs: deps.reorderWindowMs,
      schedule,
      onFloorsPassed: (listener) => this.onboarding.endCatchUp(listener),
    });
    this.onboarding = new ListenerOnboarding({
      stream,
      bus: deps.bus,
      channel: deps.channel,
      metrics,
      logger,
      maxBatchRecords,
      drainTimeoutMs: deps.drainTimeoutMs,
      targets: this.targets,
      listeners: this.listeners,
      access: this.access,
      delivery: this.delivery,
      slow: this.slow,
      enqueue,
      end: (listener, reason) => this.end(listener, reason),
      liveTargetKeys,
    });
    this.channel = new ChannelReader(
      stream,
      { bus: deps.bus, channel: deps.channel, metrics, logger, maxBatchRecords, enqueue },
      {
        records: (batch) => this.onRecords(batch),
        targetAdded: (target) => this.addTarget(target),
        targetRemoved: (target, reason) => this.removeTarget(target, reason),
        ended: (reason) => this.endAll(reason),
        gap: (reason, missed) => this.reportGap(reason, missed),
        hasListeners: () => this.listeners.size > 0,
        knowsTarget: (key) => this.targets.has(key),
        delivered: () => this.delivery.lastLive.source,
      },
    );
  }

  start(): Promise<void> {
    return this.channel.start();
  }

  async close(): Promise<void> {
    this.delivery.close();
    this.slow.close();
    for (const listener of this.listeners.inPhase('catching-up')) {
      if (listener.phase.kind === 'catching-up') clearTimeout(listener.phase.timer);
    }
    await this.channel.close();
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
      phase: { kind: 'onboarding', held: new SlowLane(request.socket.data.listenerBufferBytes, request.socket.data.queuedBytes), gaps: [] },
      classKey: undefined,
      order: request.order,
      mask: request.mask,
      follows: request.follow,
      audit: request.audit,
    };
    this.listeners.add(listener);
    this.delivery.listenerAdded(listener);
    this.deps.metrics.listenersActive.inc();
    return listener;
  }

  /** Decides the listener's access, sends its backlog as its connection drains, then puts it on the live stream. */
  activate(listener: StreamListener, request: ListenerRequest): Promise<void> {
    return this.onboarding.activate(listener, request);
  }

  /** Removes a listener; true when it was here. `reason` ends its audited reads. */
  remove(socketId: string, reason: StreamEndReason = 'unsubscribed'): boolean {
    const listener = this.listeners.get(socketId);
    if (!listener) return false;
    const phase = listener.phase;
    this.listeners.move(listener, { type: 'left' }, () => ({ kind: 'ended' }));
    listener.audit.endAll(reason);
    // What was held for it no longer counts toward its connection's budget.
    if (phase.kind === 'onboarding') phase.held.clear();
    if (phase.kind === 'catching-up') clearTimeout(phase.timer);
    this.delivery.listenerRemoved(listener);
    this.deps.metrics.listenersActive.dec();
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
          .map(async ([key, target]) => ({ listener, key, target, after: await this.access.decide(listener, target, true) })),
      ),
    );
    await this.enqueue(() => {
      for (const { listener, key, target, after } of fresh) {
        if (!this.listeners.holds(listener) || !this.targets.has(key)) continue;
        const before = listener.access.get(key);
        listener.access.set(key, after);
        this.access.audit(listener, key, target);
        if (before?.allowed === after.allowed || listener.phase.kind === 'onboarding') continue;
        // A target that became visible is announced again; one that was revoked gets a fresh `denied`.
        listener.deniedSent.delete(key);
        this.access.announce(listener, key, target);
      }
      // Records waiting for slow listeners were filtered with the access they had when queued.
      if (this.slow.size > 0) this.slow.retain((listener, record) => mayRead(listener, wireTargetKey(record), record));
      this.rebuildClasses();
    });
  }

  /** Who listens now: each listener's socket id and subject. */
  listenerSubjects(): { readonly socketId: string; readonly subject: Subject }[] {
    return [...this.listeners.values()].map((listener) => ({ socketId: listener.id, subject: listener.subject }));
  }

  /** Ends one socket's subscription with a reason (for a revocation, who withdrew it and why); true when it was here. */
  endListener(socketId: string, reason: EndReason, revocation?: Revocation): boolean {
    const listener = this.listeners.get(socketId);
    if (listener) this.end(listener, reason, revocation);
    return listener !== undefined;
  }

  private enqueue(task: () => Promise<void> | void): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch((error: unknown) => {
      this.deps.logger.error({ stream: this.stream.id, err: errorName(error) }, 'stream task failed');
    });
    return run;
  }

  private async onRecords(records: readonly WireRecord[]): Promise<void> {
    const keys = wireTargetKeys(records);
    for (let i = 0; i < records.length; i++) {
      // A replica that joined a running stream learns its targets from their records.
      if ((i === 0 || keys[i] !== keys[i - 1]) && !this.targets.has(keys[i] as string)) {
        await this.addTarget(wireTargetOf(records[i] as WireRecord));
      }
    }
    this.delivery.push(records, keys);
  }

  /** Tells every listener (after what its lane holds, or after its backlog) that records may be missing here. */
  private reportGap(reason: GapReason, missed: readonly GapCount[] | undefined): void {
    if (this.listeners.size === 0) return;
    this.deps.metrics.gaps.inc({ reason });
    for (const listener of this.listeners.values()) {
      const payload = gapFor(this.stream.id, reason, missed, (key) => listener.access.get(key)?.allowed === true);
      if (!payload) continue;
      if (listener.phase.kind === 'onboarding') listener.phase.gaps.push(payload);
      else this.slow.send(listener, { event: 'gap', payload });
    }
  }

  private async addTarget(target: WireTarget): Promise<void> {
    const key = wireTargetKey(target);
    if (this.targets.has(key)) return;
    this.targets.set(key, target);
    await Promise.all([...this.listeners.values()].map((listener) => this.access.ensureDecided(listener, key, target)));
    for (const listener of this.listeners.values()) {
      if (listener.phase.kind !== 'onboarding') this.access.announce(listener, key, target);
    }
    this.rebuildClasses();
  }

  private removeTarget(target: WireTarget, reason: TargetEndReason | undefined): void {
    const key = wireTargetKey(target);
    if (!this.targets.has(key)) return;
    this.delivery.targetRemoved(key);
    this.targets.delete(key);
    const event = targetRemovedEvent(this.stream.id, target, reason);
    for (const listener of [...this.listeners.values()]) {
      const phase = listener.phase;
      if (phase.kind !== 'onboarding' && listener.access.get(key)?.allowed) this.slow.send(listener, { event: 'target', payload: event });
      listener.access.delete(key);
      listener.deniedSent.delete(key);
      listener.audit.ended(key, reason ?? 'removed');
      if (phase.kind !== 'catching-up') continue;
      phase.floors.delete(key);
      if (phase.floors.size === 0) this.onboarding.endCatchUp(listener);
    }
    this.rebuildClasses();
  }

  private end(listener: StreamListener, reason: EndReason, revocation?: Revocation): void {
    if (!this.listeners.holds(listener)) return;
    // Withdrawn access ends each open read as revoked; any other end counts what it delivered.
    if (reason === 'access_revoked' || reason === 'unauthenticated') listener.audit.revokeAll(revocation ?? { reason });
    this.slow.end(listener);
    listener.socket.emit('ended', endedEvent(this.stream.id, reason));
    this.remove(listener.id, reason);
  }

  /** The upstream ended: its targets are gone with it, and so are its listeners. */
  private endAll(reason: EndReason): void {
    this.delivery.drain();
    this.targets.clear();
    for (const listener of [...this.listeners.values()]) this.end(listener, reason);
  }

  private liveTargetKeys(): string[] {
    return [...this.targets.keys()].sort();
  }

  /** Regroups every live listener in a class; the targets or someone's access changed. */
  private rebuildClasses(): void {
    this.delivery.rebuild(this.liveTargetKeys());
  }
}
