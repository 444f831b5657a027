// The worker's side of durable webhook delivery: one run of `core.audit-deliver` posts its batch
// once. Order within a gateway run is kept by a ledger (Redis) holding the next batch due: a batch
// whose predecessor has not settled is deferred (no attempt used), one already settled is skipped.
// A failed POST is retried by the job runner with its backoff; a 4xx the receiver will always give,
// or the last attempt, settles the batch as failed (counted, dead-lettered) so its successors go on.
import type { AuditBatchJob, AuditBatchRunContext } from './audit-batch-job';
import { NO_AUDIT_METRICS, type AuditMetrics } from './audit-metrics';
import type { AuditDeliveryFailure } from './in-process-audit-queue';
import { WebhookDeliveryError, type WebhookAuditSink } from './webhook-audit-sink';

/** Where the worker keeps, per gateway run, the sequence number of the next batch due. */
export interface AuditDeliveryLedger {
  /** The seq of `run`'s next batch due; 0 for a run never seen. */
  nextBatch(run: string): Promise<number>;
  /** Batch `seq` of `run` is done with (delivered or given up): `seq + 1` is due. */
  settle(run: string, seq: number): Promise<void>;
}

export interface AuditBatchDeliveryOptions {
  readonly sink: Pick<WebhookAuditSink, 'name' | 'postOnce'>;
  readonly ledger: AuditDeliveryLedger;
  /** The job's attempts (the webhook's `maxAttempts`): the last failing one gives the batch up. */
  readonly attempts: number;
  /** How long a batch waits behind an unsettled predecessor before it looks again. */
  readonly waitMs: number;
  /**
   * How long a batch waits behind an unsettled predecessor, from its newest event's time, before
   * the predecessors count as lost (their jobs gone from Redis, e.g. a wiped queue) and it goes on.
   * Default 1 hour: longer than a predecessor's own retries at the default backoff.
   */
  readonly maxWaitBehindMs?: number;
  /** Told of predecessors given up as lost (how many), once per batch that goes on without them. */
  readonly onPredecessorsLost?: (lost: { readonly run: string; readonly batches: number }) => void;
  readonly now?: () => number;
  /** Default: counts nowhere. */
  readonly metrics?: AuditMetrics;
  /** Told of each batch given up on; log it there, once. */
  readonly onDeliveryFailure?: (failure: AuditDeliveryFailure) => void;
}

/** Not failed, not due: the job runner puts the run back for `delayMs` without using an attempt (@tailgate/jobs' deferral). */
export class AuditBatchWaiting extends Error {
  readonly code = 'job_deferred';

  constructor(readonly delayMs: number) {
    super('waiting for the batch before it');
    this.name = 'AuditBatchWaiting';
  }
}

/** One failed POST, to be retried; the message names the status or errno, never a body or header. */
export class AuditBatchRetry extends Error {
  readonly code = 'upstream_unavailable';

  constructor(message: string) {
    super(message);
    this.name = 'AuditBatchRetry';
  }
}

/** A batch given up on: a job failing for good (the plugin SDK's PermanentJobError, matched by code). */
export class AuditBatchGivenUp extends Error {
  readonly code = 'permanent_job_failure';

  constructor(message: string) {
    super(message);
    this.name = 'AuditBatchGivenUp';
  }
}

const DEFAULT_MAX_WAIT_BEHIND_MS = 3_600_000;

export class AuditBatchDelivery {
  private readonly metrics: AuditMetrics;

  constructor(private readonly options: AuditBatchDeliveryOptions) {
    this.metrics = options.metrics ?? NO_AUDIT_METRICS;
  }

  /** One run of the job for `batch`. */
  async deliver(batch: AuditBatchJob, ctx: AuditBatchRunContext): Promise<void> {
    const { sink, ledger } = this.options;
    const next = await ledger.nextBatch(batch.run);
    // Settled by an earlier run whose completion was not recorded (a worker stopped in between).
    if (batch.seq < next) return;
    if (batch.seq > next) {
      if (!this.waitedTooLong(batch)) throw new AuditBatchWaiting(this.options.waitMs);
      // Bounded: a predecessor still queued settles within its own retries; one that never comes is lost.
      await ledger.settle(batch.run, batch.seq - 1);
      this.options.onPredecessorsLost?.({ run: batch.run, batches: batch.seq - next });
    }
    try {
      await sink.postOnce(batch.events, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      return this.failed(batch, ctx.attempt, error);
    }
    await ledger.settle(batch.run, batch.seq);
    this.metrics.delivered(sink.name, batch.events.length);
  }

  private waitedTooLong(batch: AuditBatchJob): boolean {
    const newest = Math.max(...batch.events.map((event) => Date.parse(event.stageTimestamp)));
    const now = this.options.now?.() ?? Date.now();
    return now - newest > (this.options.maxWaitBehindMs ?? DEFAULT_MAX_WAIT_BEHIND_MS);
  }

  private async failed(batch: AuditBatchJob, attempt: number, error: unknown): Promise<never> {
    const { sink, ledger, attempts } = this.options;
    const permanent = error instanceof WebhookDeliveryError && error.permanent;
    const cause = error instanceof Error ? error.message : 'unknown error';
    if (!permanent && attempt < attempts) {
      this.metrics.retried(sink.name);
      throw new AuditBatchRetry(cause);
    }
    await ledger.settle(batch.run, batch.seq);
    this.metrics.failed(sink.name, batch.events.length);
    this.options.onDeliveryFailure?.({ sink: sink.name, events: batch.events.length, error });
    throw new AuditBatchGivenUp(`batch ${batch.seq} of gateway run ${batch.run} given up after ${attempt} attempt(s): ${cause}`);
  }
}
