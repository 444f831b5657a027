// The worker's host job `core.audit-deliver` (cluster mode of the audit trail): with
// `audit.enabled` and `audit.webhook`, it posts each batch a gateway queued to the webhook, once
// per run, in order per gateway run (RedisAuditDeliveryLedger); the job runner retries and
// dead-letters. Without them there is nothing to register, and a queued batch fails as unknown.
import { AuditBatchDelivery, auditDeliveryJob, createWebhookAuditSink } from '@tailgate/audit';
import type { TailgateConfig } from '@tailgate/config';
import type { JobDefinition } from '@tailgate/plugin-sdk';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';

import { RedisAuditDeliveryLedger } from './redis-audit-delivery-ledger';

export interface WorkerAuditDelivery {
  readonly job: JobDefinition<unknown>;
  /** Releases the webhook's connection; after the job runner closed. */
  close(): Promise<void>;
}

export async function createWorkerAuditDelivery(
  config: TailgateConfig,
  redis: Redis | Cluster,
  logger: Logger,
): Promise<WorkerAuditDelivery | undefined> {
  const { enabled, webhook } = config.audit;
  if (!enabled || webhook === undefined) return undefined;
  const sink = await createWebhookAuditSink(webhook);
  const delivery = new AuditBatchDelivery({
    sink,
    ledger: new RedisAuditDeliveryLedger(redis, config.redis.keyPrefix),
    attempts: webhook.maxAttempts,
    waitMs: webhook.initialBackoffMs,
    onDeliveryFailure: ({ sink: name, events }) => logger.warn({ sink: name, events }, 'audit events not delivered'),
    onPredecessorsLost: ({ run, batches }) => logger.warn({ run, batches }, 'audit batches lost before delivery; going on without them'),
  });
  const job = auditDeliveryJob(webhook.maxAttempts, (batch, ctx) => delivery.deliver(batch, ctx));
  return { job, close: () => sink.close() };
}
