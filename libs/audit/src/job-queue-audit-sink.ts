// The gateway's webhook sink in cluster mode: it does not POST, it hands each batch the delivery
// queue forms to the job runner as one `core.audit-deliver` job (durable in Redis; the worker
// posts it). Batches are numbered per gateway run so the worker can keep their order. While the
// job queue cannot take a batch (Redis away), the batch is offered again every `retryMs`; the
// lane's bounded backlog fills meanwhile and what does not fit is dropped and counted.
import { randomUUID } from 'node:crypto';

import type { AuditEvent } from './audit-event';
import { auditBatchJobId, type AuditBatchJob } from './audit-batch-job';
import { NO_AUDIT_METRICS, type AuditMetrics } from './audit-metrics';
import { abortableDelay, type AuditSink } from './audit-sink';

export interface JobQueueAuditSinkOptions {
  /** Queues the job (`runner.enqueue('core.audit-deliver', batch, { jobId })`). */
  readonly enqueue: (batch: AuditBatchJob, jobId: string) => Promise<void>;
  /** Metrics label. Default `webhook`: the gateway's `delivered` then means durably queued. */
  readonly name?: string;
  /** Wait before offering a batch the queue refused again. Default 1000 ms. */
  readonly retryMs?: number;
  /** Counts each refused offer as a retry. Default: nowhere. */
  readonly metrics?: AuditMetrics;
}

export class JobQueueAuditSink implements AuditSink {
  readonly name: string;
  /** This gateway run; a restarted gateway is a new run, ordered on its own. */
  readonly run = randomUUID();
  private seq = 0;

  constructor(private readonly options: JobQueueAuditSinkOptions) {
    this.name = options.name ?? 'webhook';
  }

  async deliver(events: readonly AuditEvent[], signal: AbortSignal): Promise<void> {
    const batch: AuditBatchJob = { run: this.run, seq: this.seq, events };
    for (;;) {
      signal.throwIfAborted();
      try {
        await this.options.enqueue(batch, auditBatchJobId(batch));
        this.seq += 1;
        return;
      } catch {
        // The runner's refusal (unreachable, not started yet) says nothing a retry would not.
        (this.options.metrics ?? NO_AUDIT_METRICS).retried(this.name);
        await abortableDelay(this.options.retryMs ?? 1_000, signal);
      }
    }
  }

  async close(): Promise<void> {}
}
