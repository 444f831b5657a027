// The local end of one stream on this replica: reads the stream's bus channel, decides each
// listener's access to each target before any of its records flows, keeps listeners grouped
// into permission classes, and emits every batch once per class room.
import type { EndReason, WireRecord, WireTarget } from '@tailgate/contracts';
import type { LogBus } from '@tailgate/bus';
import type { BacklogOptions, LogRecord, PluginLogger, RecordRule } from '@tailgate/plugin-sdk';

import type { AccessService } from '../access/access.service';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { LogsNamespace } from '../socket/logs-socket';
import { type BusMessage, decodeBusMessage, fromWireTarget, toWireRecord, toWireTarget, wireTargetKey, wireTargetOf } from './bus-message';
import { buildClass, classKeyOf, filterForClass, type PermissionClass } from './permission-classes';
import type { StreamDescriptor } from './stream-descriptor';
import type { ListenerRequest, StreamListener } from './stream-listener';
import { compileAccess, PASS } from './target-access';

export interface StreamFanoutDeps {
  readonly bus: LogBus;
  readonly channel: string;
  readonly access: AccessService;
  readonly rules: ReadonlyMap<string, RecordRule<unknown>>;
  readonly namespace: LogsNamespace;
  readonly metrics: GatewayMetrics;
  readonly logger: PluginLogger;
  readonly maxBatchRecords: number;
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
  private classes = new Map<string, PermissionClass>();
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    readonly stream: StreamDescriptor,
    private readonly deps: StreamFanoutDeps,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.deps.bus.subscribe(this.deps.channel, (raw) => void this.enqueue(() => this.onMessage(raw)));
  }

  async close(): Promise<void> {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
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
      classKey: undefined,
      follows: request.follow,
    };
    this.listeners.set(listener.id, listener);
    this.holding.add(listener);
    this.deps.metrics.listenersActive.inc();
    return listener;
  }

  /** Decides the listener's access, sends its backlog, then puts it on the live stream. */
  async activate(listener: StreamListener, request: ListenerRequest): Promise<void> {
    try {
      await Promise.all([...this.targets].map(([key, target]) => this.ensureDecided(listener, key, target)));
      const backlog = request.backlog ? await this.readBacklog(listener, request.backlog) : [];
      await this.enqueue(() => this.goLive(listener, backlog, request.follow));
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
    this.deps.metrics.listenersActive.dec();
    this.leaveClass(listener);
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

  private async onMessage(raw: string): Promise<void> {
    const message: BusMessage | undefined = decodeBusMessage(raw);
    if (!message) {
      this.deps.metrics.recordsDropped.inc({ reason: 'malformed_bus_message' });
      this.deps.logger.warn({ stream: this.stream.id }, 'dropped a malformed bus message');
      return;
    }
    if (message.t === 'records') return this.onRecords(message.records);
    if (message.t === 'end') return this.endAll(message.reason);
    if (message.op === 'added') return this.addTarget(message.target);
    this.removeTarget(message.target);
  }

  private async onRecords(records: readonly WireRecord[]): Promise<void> {
    const keys = records.map(wireTargetKey);
    for (let i = 0; i < records.length; i++) {
      // A replica that joined a running stream learns its targets from their records.
      if (!this.targets.has(keys[i] as string)) await this.addTarget(wireTargetOf(records[i] as WireRecord));
    }
    this.deliver(records, keys);
  }

  private deliver(records: readonly WireRecord[], keys: readonly string[]): void {
    for (const listener of this.holding) listener.held?.push([...records]);
    for (const cls of this.classes.values()) {
      const batch = filterForClass(records, keys, cls);
      if (batch.length === 0) continue;
      this.deps.namespace.local.to(cls.room).emit('records', { sub: this.stream.id, batch });
      this.deps.metrics.recordsDelivered.inc(batch.length * cls.members.size);
    }
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

  private removeTarget(target: WireTarget): void {
    const key = wireTargetKey(target);
    if (!this.targets.delete(key)) return;
    for (const listener of this.listeners.values()) {
      if (listener.held === undefined && listener.access.get(key)?.allowed) {
        listener.socket.emit('target', { sub: this.stream.id, op: 'removed', target });
      }
      listener.access.delete(key);
      listener.deniedSent.delete(key);
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
      listener.socket.emit('target', { sub: this.stream.id, op: 'added', target });
    } else if (!listener.deniedSent.has(key)) {
      listener.deniedSent.add(key);
      this.deps.metrics.deniedTargets.inc();
      listener.socket.emit('denied', { sub: this.stream.id, target, reason: access?.reason ?? 'not decided' });
    }
  }

  private async readBacklog(listener: StreamListener, options: BacklogOptions): Promise<LogRecord[]> {
    const source = this.stream.source.source;
    if (!source.backlog) return [];
    const signal = AbortSignal.timeout(30_000);
    const backlog = await source.backlog(this.stream.selector, options, { signal, logger: this.deps.logger });
    await Promise.all(backlog.targets.map((t) => this.ensureDecided(listener, wireTargetKey(toWireTarget(t)), toWireTarget(t))));
    return [...backlog.records];
  }

  private goLive(listener: StreamListener, backlog: readonly LogRecord[], follow: boolean): void {
    if (!this.listeners.has(listener.id)) return;
    for (const [key, target] of this.targets) this.announce(listener, key, target);
    const lastCursor = new Map<string, string>();
    const visible = backlog.map(toWireRecord).filter((record) => {
      const key = wireTargetKey(record);
      if (!this.targets.has(key) && listener.access.get(key)?.allowed === false) this.announce(listener, key, record);
      lastCursor.set(key, record.cursor);
      return this.mayRead(listener, key, record);
    });
    const held = (listener.held ?? []).flat().filter((record) => {
      const key = wireTargetKey(record);
      const after = lastCursor.get(key);
      return (after === undefined || record.cursor > after) && this.mayRead(listener, key, record);
    });
    listener.held = undefined;
    this.holding.delete(listener);
    this.sendDirect(listener, follow ? [...visible, ...held] : visible);
    if (!follow) return this.end(listener, 'complete');
    this.joinClass(listener);
  }

  private mayRead(listener: StreamListener, key: string, record: WireRecord): boolean {
    const access = listener.access.get(key);
    if (!access?.allowed) return false;
    return (access.predicate === PASS || access.predicate(record)) && (listener.scopePredicate === PASS || listener.scopePredicate(record));
  }

  private sendDirect(listener: StreamListener, records: readonly WireRecord[]): void {
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
    listener.socket.emit('ended', { sub: this.stream.id, reason });
    this.remove(listener.id);
  }

  /** The upstream ended: its targets are gone with it, and so are its listeners. */
  private endAll(reason: EndReason): void {
    this.targets.clear();
    for (const listener of [...this.listeners.values()]) this.end(listener, reason);
  }

  private liveTargetKeys(): string[] {
    return [...this.targets.keys()].sort();
  }

  private joinClass(listener: StreamListener): void {
    const live = this.liveTargetKeys();
    const key = classKeyOf(listener, live);
    const existing = this.classes.get(key);
    if (existing) existing.members.add(listener.id);
    else this.classes.set(key, buildClass(key, `${this.stream.id}:${key}`, listener, live));
    void listener.socket.join(`${this.stream.id}:${key}`);
    listener.classKey = key;
  }

  private leaveClass(listener: StreamListener): void {
    if (listener.classKey === undefined) return;
    const cls = this.classes.get(listener.classKey);
    cls?.members.delete(listener.id);
    if (cls?.members.size === 0) this.classes.delete(listener.classKey);
    void listener.socket.leave(`${this.stream.id}:${listener.classKey}`);
    listener.classKey = undefined;
  }

  /** Regroups every live listener; the targets or someone's access changed. */
  private rebuildClasses(): void {
    const live = this.liveTargetKeys();
    const next = new Map<string, PermissionClass>();
    for (const listener of this.listeners.values()) {
      if (listener.held !== undefined) continue;
      const key = classKeyOf(listener, live);
      const room = `${this.stream.id}:${key}`;
      const cls = next.get(key);
      if (cls) cls.members.add(listener.id);
      else next.set(key, buildClass(key, room, listener, live));
      if (listener.classKey !== key) {
        if (listener.classKey !== undefined) void listener.socket.leave(`${this.stream.id}:${listener.classKey}`);
        void listener.socket.join(room);
        listener.classKey = key;
      }
    }
    this.classes = next;
  }
}
