// Durable webhook delivery (cluster mode): each batch of audit events becomes one job on the job
// runner (BullMQ), `core.audit-deliver`, run by the worker. This file is the job's contract: its
// data, parsed on every run, and its definition for both the producer (the gateway) and the worker.
// Framework-free: the shape matches the plugin SDK's JobDefinition without depending on it.
import { z } from 'zod';

import { auditEventSchema, type AuditEvent } from './audit-event';

/** The job's local name; the host registers it under its reserved id: `core.audit-deliver`. */
export const AUDIT_DELIVERY_JOB = 'audit-deliver';

/** One batch of one gateway run, as queued. */
export interface AuditBatchJob {
  /** The gateway run (a fresh UUID per start): batches are ordered within it. */
  readonly run: string;
  /** 0, 1, 2, … within the run, in the order the events were recorded. */
  readonly seq: number;
  readonly events: readonly AuditEvent[];
}

export const auditBatchJobSchema: z.ZodType<AuditBatchJob> = z.strictObject({
  run: z.string().min(1),
  seq: z.number().int().min(0),
  events: z.array(auditEventSchema).min(1),
});

/** What a run of the job is given (the plugin SDK's JobContext, as far as delivery needs it). */
export interface AuditBatchRunContext {
  /** 1 for the first run of this batch; waits behind an earlier batch do not count. */
  readonly attempt: number;
  readonly signal: AbortSignal;
}

export interface AuditDeliveryJobDefinition {
  readonly name: typeof AUDIT_DELIVERY_JOB;
  readonly data: typeof auditBatchJobSchema;
  readonly attempts: number;
  handle(data: AuditBatchJob, ctx: AuditBatchRunContext): Promise<void>;
}

/**
 * The job as registered. `attempts` (the webhook's `maxAttempts`) is set on each job by the
 * producer, so the gateway and the worker pass the same setting; a gateway, which only queues,
 * passes a `handle` that is never called.
 */
export function auditDeliveryJob(attempts: number, handle: AuditDeliveryJobDefinition['handle']): AuditDeliveryJobDefinition {
  return { name: AUDIT_DELIVERY_JOB, data: auditBatchJobSchema, attempts, handle };
}

/** The BullMQ deduplication id of a batch: a producer that repeats an enqueue it could not confirm adds it once. */
export function auditBatchJobId(batch: Pick<AuditBatchJob, 'run' | 'seq'>): string {
  return `audit:${batch.run}:${batch.seq}`;
}
