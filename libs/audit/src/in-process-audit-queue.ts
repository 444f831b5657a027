// The embedded-mode delivery queue: one bounded lane per sink, so a slow or failing sink (a
// webhook that is down) fills only its own backlog and never delays the others or the caller.
// Each lane delivers its batches one at a time, in enqueue order; a batch is sent when it is
// full or when its oldest event has waited `maxBatchWaitMs`. Close flushes every lane, bounded
// by `closeTimeoutMs`, then aborts what is still in flight.
import type { AuditEvent } from './audit-event';
import type { AuditEventQueue } from './audit-event-queue';
import { NO_AUDIT_METRICS, type AuditMetrics } from './audit-metrics';
import type { AuditSink } from './audit-sink';

export interface InProcessAuditQueueOptions {
  readonly sinks: readonly AuditSink[];
  /** Default: counts nowhere. */
  readonly metrics?: AuditMetrics;
  /** Events waiting per sink before new ones are dropped for it. Default 10000. */
  readonly maxBacklog?: number;
  /** Events per batch. Default 100. */
  readonly maxBatchEvents?: number;
  /** How long the oldest queued event may wait for a batch to fill. Default 1000 ms. */
  readonly maxBatchWaitMs?: number;
  /** How long close() may spend delivering what is queued. Default 10000 ms. */
  readonly closeTimeoutMs?: number;
  /** Told of every batch a sink gave up on (already counted as `failed`): log it once, here. */
  readonly onDeliveryFailure?: (failure: AuditDeliveryFailure) => void;
}

export interface AuditDeliveryFailure {
  readonly sink: string;
  readonly events: number;
  readonly error: unknown;
}

export const AUDIT_QUEUE_DEFAULTS = {
  maxBacklog: 10_000,
  maxBatchEvents: 100,
  maxBatchWaitMs: 1_000,
  closeTimeoutMs: 10_000,
} as const;

export class InProcessAuditQueue implements AuditEventQueue {
  private readonly lanes: SinkLane[];
  private readonly abort = new AbortController();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: InProcessAuditQueueOptions) {
    const names = options.sinks.map((sink) => sink.name);
    const doubled = names.filter((name, i) => names.indexOf(name) !== i);
    if (doubled.length > 0) throw new Error(`audit sinks need unique names; doubled: ${doubled.join(', ')}`);
    const settings = {
      maxBacklog: positive('maxBacklog', options.maxBacklog ?? AUDIT_QUEUE_DEFAULTS.maxBacklog),
      maxBatchEvents: positive('maxBatchEvents', options.maxBatchEvents ?? AUDIT_QUEUE_DEFAULTS.maxBatchEvents),
      maxBatchWaitMs: Math.max(0, options.maxBatchWaitMs ?? AUDIT_QUEUE_DEFAULTS.maxBatchWaitMs),
      metrics: options.metrics ?? NO_AUDIT_METRICS,
      onDeliveryFailure: options.onDeliveryFailure ?? (() => undefined),
      signal: this.abort.signal,
    };
    this.lanes = options.sinks.map((sink) => new SinkLane(sink, settings));
  }

  enqueue(event: AuditEvent): void {
    for (const lane of this.lanes) lane.push(event);
  }

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    const deadline = setTimeout(() => this.abort.abort(), this.options.closeTimeoutMs ?? AUDIT_QUEUE_DEFAULTS.closeTimeoutMs);
    try {
      await Promise.all(this.lanes.map((lane) => lane.finish()));
    } finally {
      clearTimeout(deadline);
    }
    const closed = await Promise.allSettled(this.options.sinks.map((sink) => sink.close()));
    closed.forEach((result, i) => {
      if (result.status === 'rejected') {
        const sink = this.options.sinks[i]?.name ?? '?';
        (this.options.onDeliveryFailure ?? (() => undefined))({ sink, events: 0, error: result.reason });
      }
    });
  }
}

interface LaneSettings {
  readonly maxBacklog: number;
  readonly maxBatchEvents: number;
  readonly maxBatchWaitMs: number;
  readonly metrics: AuditMetrics;
  readonly onDeliveryFailure: (failure: AuditDeliveryFailure) => void;
  readonly signal: AbortSignal;
}

/** One sink's backlog and the loop that drains it. */
class SinkLane {
  private readonly queued: { readonly event: AuditEvent; readonly at: number }[] = [];
  private inFlight = 0;
  private closing = false;
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(
    private readonly sink: AuditSink,
    private readonly settings: LaneSettings,
  ) {
    this.done = this.run();
  }

  push(event: AuditEvent): void {
    const { metrics } = this.settings;
    if (this.closing) {
      metrics.dropped(this.sink.name, 1, 'closed');
      return;
    }
    if (this.queued.length >= this.settings.maxBacklog) {
      metrics.dropped(this.sink.name, 1, 'backlog_full');
      return;
    }
    this.queued.push({ event, at: Date.now() });
    this.reportBacklog();
    if (this.queued.length === 1 || this.queued.length >= this.settings.maxBatchEvents) this.wakeUp();
  }

  /** Stops taking events; resolves once everything queued was delivered, failed or dropped. */
  finish(): Promise<void> {
    this.closing = true;
    this.wakeUp();
    return this.done;
  }

  private async run(): Promise<void> {
    const { signal, maxBatchEvents, maxBatchWaitMs } = this.settings;
    for (;;) {
      const oldest = this.queued[0];
      if (oldest === undefined) {
        if (this.closing) return;
        await this.sleep(undefined);
        continue;
      }
      const waitMs = oldest.at + maxBatchWaitMs - Date.now();
      if (!this.closing && this.queued.length < maxBatchEvents && waitMs > 0) {
        await this.sleep(waitMs);
        continue;
      }
      if (signal.aborted) {
        this.dropQueued();
        return;
      }
      await this.deliver(this.queued.splice(0, maxBatchEvents).map((entry) => entry.event));
    }
  }

  private async deliver(batch: AuditEvent[]): Promise<void> {
    const { metrics, signal } = this.settings;
    this.inFlight = batch.length;
    try {
      await this.sink.deliver(batch, signal);
      metrics.delivered(this.sink.name, batch.length);
    } catch (error) {
      metrics.failed(this.sink.name, batch.length);
      this.settings.onDeliveryFailure({ sink: this.sink.name, events: batch.length, error });
    } finally {
      this.inFlight = 0;
      this.reportBacklog();
    }
  }

  private dropQueued(): void {
    const count = this.queued.splice(0).length;
    if (count > 0) this.settings.metrics.dropped(this.sink.name, count, 'closed');
    this.reportBacklog();
  }

  /** Until push or finish wakes the lane, or `ms` pass. */
  private sleep(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.wakeUp(), ms);
      // An unref'd timer: a pending batch must not keep the process alive; close() flushes it.
      timer?.unref();
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private wakeUp(): void {
    this.wake?.();
  }

  private reportBacklog(): void {
    this.settings.metrics.backlog(this.sink.name, this.queued.length + this.inFlight);
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
