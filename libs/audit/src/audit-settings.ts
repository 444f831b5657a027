// The `audit:` section of tailgate.yaml, ready for libs/config to embed: every option with its
// default and a description (the README's configuration table is generated from these). The
// defaults are the sinks' and the queue's own constants, so they are stated once.
import { z } from 'zod';

import { AUDIT_QUEUE_DEFAULTS } from './in-process-audit-queue';
import { FILE_SINK_DEFAULTS } from './json-lines-file-sink';
import { AuditQuerySettingsSchema } from './recent-audit-settings';
import { WEBHOOK_SINK_DEFAULTS } from './webhook-audit-sink';

const count = (def: number, max: number, description: string) => z.number().int().min(1).max(max).default(def).describe(description);
const ms = (def: number, description: string) => z.number().int().min(0).max(86_400_000).default(def).describe(description);

export const AuditFileSettingsSchema = z.strictObject({
  path: z.string().min(1).describe('File the audit events are appended to, one JSON Event per line (as `--audit-log-path`).'),
  maxBytes: count(FILE_SINK_DEFAULTS.maxBytes, 2 ** 40, 'Size at which the file is rotated to `<path>.1`.'),
  maxBackups: z
    .number()
    .int()
    .min(0)
    .max(1_000)
    .default(FILE_SINK_DEFAULTS.maxBackups)
    .describe('Rotated files kept (`<path>.1` … `<path>.<maxBackups>`); older ones are deleted.'),
});

export const AuditWebhookSettingsSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .describe('Endpoint that receives batches of events as an audit.k8s.io/v1 EventList (as `--audit-webhook-config-file`).'),
  bearerTokenFile: z
    .string()
    .min(1)
    .optional()
    .describe('File holding a token sent as `Authorization: Bearer`; read at start, never logged.'),
  caFile: z.string().min(1).optional().describe('PEM CA bundle to trust for an https endpoint; default the system roots.'),
  requestTimeoutMs: ms(WEBHOOK_SINK_DEFAULTS.requestTimeoutMs, 'How long one POST may take before it counts as failed.'),
  initialBackoffMs: ms(
    WEBHOOK_SINK_DEFAULTS.initialBackoffMs,
    'Wait before retrying a failed batch; doubles with every retry. With Redis (the worker posts, retrying with `jobs.backoffBaseMs`): how often a batch waiting behind an earlier one, or refused by the job queue, is tried again.',
  ),
  maxBackoffMs: ms(WEBHOOK_SINK_DEFAULTS.maxBackoffMs, 'Longest wait between two retries of a batch.'),
  maxAttempts: count(
    WEBHOOK_SINK_DEFAULTS.maxAttempts,
    1_000,
    'Attempts per batch before it is given up (counted as failed; with Redis, kept in the job dead letter).',
  ),
});

export const AuditQueueSettingsSchema = z
  .strictObject({
    maxBacklog: count(
      AUDIT_QUEUE_DEFAULTS.maxBacklog,
      1_000_000,
      'Events waiting per sink; beyond this new events are dropped for that sink (counted).',
    ),
    maxBatchEvents: count(
      AUDIT_QUEUE_DEFAULTS.maxBatchEvents,
      10_000,
      'Events per batch handed to a sink (one webhook POST, one file write).',
    ),
    maxBatchWaitMs: ms(AUDIT_QUEUE_DEFAULTS.maxBatchWaitMs, 'How long an event may wait for its batch to fill.'),
    closeTimeoutMs: ms(AUDIT_QUEUE_DEFAULTS.closeTimeoutMs, 'How long shutdown may spend delivering the events still queued.'),
  })
  .prefault({});

export const AuditSettingsSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe('Record an audit trail of authentications, subscribes, access decisions, revocations and stream ends.'),
    policyFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'An audit.k8s.io/v1 Policy (YAML) choosing what is recorded at which level; without it, everything is recorded at Metadata.',
      ),
    stdout: z.boolean().default(false).describe('Write events to standard output, one JSON line each.'),
    file: AuditFileSettingsSchema.optional().describe('The JSON-lines file sink, rotated by size.'),
    webhook: AuditWebhookSettingsSchema.optional().describe(
      'The webhook sink, batched EventLists retried with backoff; with Redis, queued as jobs the worker posts.',
    ),
    queue: AuditQueueSettingsSchema,
    query: AuditQuerySettingsSchema,
  })
  .refine((settings) => settings.enabled || settings.query.groups.length === 0, {
    message: 'audit.query.groups needs audit.enabled (only recorded events can be queried)',
    path: ['query', 'groups'],
  })
  .prefault({});

export type AuditSettings = z.output<typeof AuditSettingsSchema>;
export type AuditWebhookSettings = z.output<typeof AuditWebhookSettingsSchema>;
