// One live subscription feeding the bounded line store. Events arrive synchronously from the
// client's emitter and only queue; a flush on an animation frame, at most every 50 ms (or every
// 100 ms in a background tab, where frames stop), moves them into the store, updates the filtered
// view and tells React once. Never a render per record.
import type { Subscription, SubscribeOptions, TailgateClient, SubscriptionEvent } from '@tailgate/client';

import { entriesFromEvent } from '../logs/entries-from-event';
import type { NewLogEntry } from '../logs/log-entry';
import { FilteredView } from '../logs/filtered-view';
import { compileFilter, DEFAULT_FILTERS, type CompiledFilter } from '../logs/line-filter';
import { LineStore } from '../logs/line-store';

export type StreamPhase = 'idle' | 'starting' | 'live' | 'reconnecting' | 'ended' | 'failed';

export interface StreamCounters {
  readonly lines: number;
  readonly hidden: number;
  readonly denied: number;
  readonly dropped: number;
  readonly gaps: number;
  readonly discarded: number;
  /** Visible lines that arrived while not following. */
  readonly unseen: number;
}

export interface StreamSnapshot {
  readonly version: number;
  readonly phase: StreamPhase;
  /** The error code that failed or ended it, if any. */
  readonly error?: string;
  readonly counters: StreamCounters;
}

const EVENT_TYPES = ['records', 'target', 'denied', 'hidden', 'dropped', 'gap', 'reconnecting', 'resumed', 'ended'] as const;
const BACKGROUND_FLUSH_MS = 100;
/**
 * At most one render per this many ms: at thousands of lines a second nobody reads each frame, and
 * laying out new rows is most of the page's work. Still on an animation frame, so never mid-frame.
 */
const MIN_FLUSH_INTERVAL_MS = 50;

export class LiveStream {
  readonly store: LineStore;
  readonly view: FilteredView;
  private filter: CompiledFilter = compileFilter(DEFAULT_FILTERS);
  private pending: NewLogEntry[] = [];
  private frame: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private subscription: Subscription | undefined;
  private generation = 0;
  private following = true;
  private lastFlush = 0;
  private snapshot: StreamSnapshot;
  private readonly listeners = new Set<() => void>();
  private lineCount = 0;
  private hidden = 0;
  private denied = 0;
  private dropped = 0;
  private gaps = 0;
  private unseen = 0;

  /** Called when a stream ends because the session did (expired or revoked token). */
  onSessionLost: (() => void) | undefined;

  constructor(capacity?: number) {
    this.store = new LineStore(capacity);
    this.view = new FilteredView(this.filter);
    this.snapshot = { version: 0, phase: 'idle', counters: this.counters() };
  }

  readonly subscribeToChanges = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): StreamSnapshot => this.snapshot;

  async start(client: TailgateClient, options: SubscribeOptions): Promise<void> {
    await this.stop();
    const generation = ++this.generation;
    this.resetCounts();
    this.publish('starting');
    let subscription: Subscription;
    try {
      subscription = await client.subscribe(options);
    } catch (error) {
      if (generation !== this.generation) return;
      const { code, message } = error as { code?: unknown; message?: unknown };
      const text = typeof code === 'string' ? code : 'internal';
      // The server's messages name the problem (a selector field, a limit) and never a token or a line.
      this.publish('failed', typeof message === 'string' && message !== '' ? `${text} (${message})` : text);
      if (code === 'unauthenticated') this.onSessionLost?.();
      return;
    }
    if (generation !== this.generation) {
      void subscription.unsubscribe();
      return;
    }
    this.subscription = subscription;
    for (const type of EVENT_TYPES) subscription.on(type, (event: SubscriptionEvent) => this.take(generation, event));
    this.publish('live');
  }

  async stop(): Promise<void> {
    this.generation += 1;
    const subscription = this.subscription;
    this.subscription = undefined;
    if (subscription && !subscription.closed) await subscription.unsubscribe().catch(() => undefined);
    this.flush();
  }

  setFilter(filter: CompiledFilter): void {
    this.filter = filter;
    this.view.setFilter(filter, this.store);
    this.publish();
  }

  setFollowing(following: boolean): void {
    this.following = following;
    if (following) this.unseen = 0;
    this.publish();
  }

  clear(): void {
    this.store.clear();
    this.view.setFilter(this.filter, this.store);
    this.resetCounts();
    this.publish();
  }

  private resetCounts(): void {
    this.lineCount = 0;
    this.hidden = 0;
    this.denied = 0;
    this.dropped = 0;
    this.gaps = 0;
    this.unseen = 0;
  }

  private take(generation: number, event: SubscriptionEvent): void {
    if (generation !== this.generation) return;
    switch (event.type) {
      case 'records':
        this.lineCount += event.records.length;
        break;
      case 'hidden':
        this.hidden = event.count;
        break;
      case 'denied':
        this.denied += 1;
        break;
      case 'dropped':
        this.dropped += event.count;
        break;
      case 'gap':
        this.gaps += 1;
        break;
      default:
        break;
    }
    for (const entry of entriesFromEvent(event)) this.pending.push(entry);
    if (event.type === 'ended' || event.type === 'reconnecting' || event.type === 'resumed') {
      this.flush();
      const code =
        event.type === 'ended' ? (event.error?.code ?? (event.reason === 'unauthenticated' ? 'unauthenticated' : undefined)) : undefined;
      const phase = event.type === 'ended' ? 'ended' : event.type === 'reconnecting' ? 'reconnecting' : 'live';
      this.publish(phase, code);
      if (code === 'unauthenticated') this.onSessionLost?.();
      return;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.frame !== undefined || this.timer !== undefined) return;
    const wait = this.lastFlush + MIN_FLUSH_INTERVAL_MS - performance.now();
    if (wait <= 0) return this.requestFlush();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.requestFlush();
    }, wait);
  }

  /** On the next animation frame; or after a while in a background tab, where frames stop. */
  private requestFlush(): void {
    if (typeof requestAnimationFrame === 'function') this.frame = requestAnimationFrame(() => this.flush());
    this.timer = setTimeout(() => this.flush(), BACKGROUND_FLUSH_MS);
  }

  private flush(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.frame = undefined;
    this.timer = undefined;
    this.lastFlush = performance.now();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.store.append(batch);
    const added = this.view.update(this.store);
    if (!this.following) this.unseen += added;
    this.publish();
  }

  private counters(): StreamCounters {
    return {
      lines: this.lineCount,
      hidden: this.hidden,
      denied: this.denied,
      dropped: this.dropped,
      gaps: this.gaps,
      discarded: this.store.discarded,
      unseen: this.unseen,
    };
  }

  private publish(phase: StreamPhase = this.snapshot.phase, error?: string): void {
    const keepError = phase === this.snapshot.phase && error === undefined ? this.snapshot.error : error;
    this.snapshot = {
      version: this.snapshot.version + 1,
      phase,
      ...(keepError !== undefined && { error: keepError }),
      counters: this.counters(),
    };
    for (const listener of this.listeners) listener();
  }
}
