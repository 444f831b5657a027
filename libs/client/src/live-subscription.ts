// One subscription as the caller holds it, across connections. The connection feeds it parsed
// server events and tells it when the connection is lost and when it was subscribed again; it
// keeps the cursors, the optional time merge, the listeners and the iterator's queue, and
// delivers every event to both, in stream order.
import type { ScopeView, WireRecord } from '@tailgate/contracts';

import { CursorBook } from './cursor-book';
import { EventQueue } from './event-queue';
import { resubscribeRequest } from './resubscribe-request';
import type { ServerEvent } from './server-message';
import type {
  SubscribeOptions,
  Subscription,
  SubscriptionEvent,
  SubscriptionEventOf,
  SubscriptionEventType,
  SubscriptionListener,
} from './subscription';
import { TimeMerge } from './time-merge';

const DEFAULT_BUFFER_RECORDS = 50_000;

/** `live`: subscribed on the current connection; `suspended`: waiting to subscribe again; `ended`: over. */
export type SubscriptionPhase =
  | { readonly kind: 'live'; readonly id: string }
  | { readonly kind: 'suspended'; readonly id: string }
  | { readonly kind: 'ended'; readonly id: string; readonly event: SubscriptionEventOf<'ended'> };

/** What a subscription needs from its connection. */
export interface SubscriptionHost {
  /** Asks the server to end subscription `id` (when connected). */
  unsubscribe(subscription: LiveSubscription, id: string): Promise<void>;
}

type AnyListener = (event: SubscriptionEvent) => void;

export class LiveSubscription implements Subscription {
  private phaseNow: SubscriptionPhase;
  private scopeNow: readonly ScopeView[];
  private readonly book = new CursorBook();
  private readonly merge: TimeMerge | undefined;
  private mergeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly queue: EventQueue;
  /**
   * Whether an iterator was asked for: until then nothing is queued for one, so a caller that only
   * listens holds no records (an iterator made right after `subscribe()` resolves still sees all).
   */
  private iterated = false;
  private readonly listeners = new Map<SubscriptionEventType, Set<AnyListener>>();
  private readonly ended: Promise<SubscriptionEventOf<'ended'>>;
  /**
   * Events that came before the caller could attach listeners: several Socket.IO packets can be
   * dispatched in the task that resolves `subscribe()`, before the caller's code after its `await`
   * runs. They are delivered in the next task, in order; undefined once delivered.
   */
  private early: SubscriptionEvent[] | undefined = [];
  private resolveEnded!: (event: SubscriptionEventOf<'ended'>) => void;

  constructor(
    readonly options: SubscribeOptions,
    id: string,
    scope: readonly ScopeView[],
    private readonly host: SubscriptionHost,
  ) {
    this.phaseNow = { kind: 'live', id };
    this.scopeNow = scope;
    this.merge = options.merge ? new TimeMerge(options.merge.windowMs) : undefined;
    this.queue = new EventQueue(options.bufferRecords ?? DEFAULT_BUFFER_RECORDS);
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    setTimeout(() => {
      const early = this.early ?? [];
      this.early = undefined;
      for (const event of early) this.deliver(event);
    }, 0);
  }

  get phase(): SubscriptionPhase {
    return this.phaseNow;
  }

  get id(): string {
    return this.phaseNow.id;
  }

  get scope(): readonly ScopeView[] {
    return this.scopeNow;
  }

  get closed(): boolean {
    return this.phaseNow.kind === 'ended';
  }

  on<T extends SubscriptionEventType>(type: T, listener: SubscriptionListener<T>): this {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as AnyListener);
    return this;
  }

  off<T extends SubscriptionEventType>(type: T, listener: SubscriptionListener<T>): this {
    this.listeners.get(type)?.delete(listener as AnyListener);
    return this;
  }

  cursors(): Readonly<Record<string, string>> {
    return this.book.cursors();
  }

  done(): Promise<SubscriptionEventOf<'ended'>> {
    return this.ended;
  }

  async unsubscribe(): Promise<void> {
    const phase = this.phaseNow;
    if (phase.kind === 'ended') return;
    try {
      if (phase.kind === 'live') await this.host.unsubscribe(this, phase.id);
    } finally {
      this.end({ type: 'ended', reason: 'unsubscribed' });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionEvent> {
    this.iterated = true;
    return {
      next: () => this.queue.next(),
      // Leaving a `for await` stops the iteration only; `unsubscribe()` ends the subscription.
      return: () => {
        this.queue.discard();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /** What to ask for when subscribing again after a reconnect. */
  resubscribeRequest(): ReturnType<typeof resubscribeRequest> {
    return resubscribeRequest(this.options, this.book.cursors());
  }

  /** A server event about this subscription (already parsed). Its `ended` is the connection's to interpret. */
  receive(message: Exclude<ServerEvent, { name: 'ended' }>): void {
    if (this.phaseNow.kind === 'ended') return;
    switch (message.name) {
      case 'records':
        return this.receiveRecords(message.event.batch);
      case 'target': {
        const { op, target } = message.event;
        const reason = message.event.op === 'removed' ? message.event.reason : undefined;
        return this.notice(op === 'added' ? { type: 'target', op, target } : { type: 'target', op, target, ...(reason && { reason }) });
      }
      case 'denied':
        return this.notice({ type: 'denied', target: message.event.target, reason: message.event.reason });
      case 'hidden':
        return this.notice({ type: 'hidden', count: message.event.count });
      case 'dropped':
        return this.notice({ type: 'dropped', count: message.event.count, by: 'server' });
      case 'gap': {
        const { reason, missed } = message.event;
        return this.notice({ type: 'gap', reason, ...(missed && { missed }) });
      }
    }
  }

  /** The server ended it for now (a replica shutting down, an expired token with a provider); it will resume. */
  suspend(): void {
    if (this.phaseNow.kind === 'live') this.phaseNow = { kind: 'suspended', id: this.phaseNow.id };
  }

  /** The connection is lost; `attempt` is the reconnection attempt about to be made. */
  reconnecting(attempt: number): void {
    if (this.phaseNow.kind === 'ended') return;
    this.suspend();
    this.notice({ type: 'reconnecting', attempt });
  }

  /** Subscribed again on a new connection, from the last cursors. */
  resumed(id: string, scope: readonly ScopeView[]): void {
    if (this.phaseNow.kind === 'ended') return;
    this.phaseNow = { kind: 'live', id };
    this.scopeNow = scope;
    this.notice({ type: 'resumed' });
  }

  /** The last event: delivers what the merge still holds, then `ended`. */
  end(event: SubscriptionEventOf<'ended'>): void {
    if (this.phaseNow.kind === 'ended') return;
    this.notice(event);
    this.phaseNow = { kind: 'ended', id: this.phaseNow.id, event };
    clearTimeout(this.mergeTimer);
  }

  private receiveRecords(batch: readonly WireRecord[]): void {
    const admitted = this.book.admit(batch);
    if (admitted.length === 0) return;
    if (!this.merge) return this.deliver({ type: 'records', records: admitted });
    this.merge.add(admitted, Date.now());
    this.scheduleMerge();
  }

  /** Notices keep their place relative to the records: what the merge holds goes first. */
  private notice(event: SubscriptionEvent): void {
    const held = this.merge?.flush() ?? [];
    if (held.length > 0) this.deliver({ type: 'records', records: held });
    this.deliver(event);
  }

  private scheduleMerge(): void {
    const dueAt = this.merge?.nextDueAt();
    if (this.mergeTimer !== undefined || dueAt === undefined) return;
    this.mergeTimer = setTimeout(
      () => {
        this.mergeTimer = undefined;
        const released = this.merge?.release(Date.now()) ?? [];
        if (released.length > 0 && this.phaseNow.kind !== 'ended') this.deliver({ type: 'records', records: released });
        this.scheduleMerge();
      },
      Math.max(0, dueAt - Date.now()),
    );
  }

  private deliver(event: SubscriptionEvent): void {
    if (this.early) return void this.early.push(event);
    for (const listener of [...(this.listeners.get(event.type) ?? [])]) {
      try {
        listener(event);
      } catch (error) {
        // A listener's failure is the caller's: report it as uncaught, but keep the stream going.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    if (this.iterated) this.queue.push(event);
    if (event.type === 'ended') {
      this.queue.end();
      this.resolveEnded(event);
    }
  }
}
