// Builds the audit trail the settings describe: reads the policy, CA and token files once, makes
// the sinks and the in-process queue in front of them. Every problem is thrown at start, with
// the file or setting it concerns, so a gateway never runs with an audit trail it did not ask for.
import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';

import type { AuditMetrics } from './audit-metrics';
import type { AuditPolicy } from './audit-policy';
import type { AuditSettings, AuditWebhookSettings } from './audit-settings';
import type { AuditSink } from './audit-sink';
import { AuditTrail, NO_AUDIT, type AuditRecorder } from './audit-trail';
import { InProcessAuditQueue, type AuditDeliveryFailure } from './in-process-audit-queue';
import { JobQueueAuditSink, type JobQueueAuditSinkOptions } from './job-queue-audit-sink';
import { JsonLinesFileSink } from './json-lines-file-sink';
import { parseAuditPolicy } from './parse-audit-policy';
import { StreamAuditSink } from './stream-audit-sink';
import { WebhookAuditSink } from './webhook-audit-sink';

/** Without a policy file: every request at Metadata (who, what, when, the decision; no request object). */
export const METADATA_AUDIT_POLICY: AuditPolicy = { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] };

export class AuditSettingsError extends Error {
  readonly code = 'audit_settings_invalid';

  constructor(message: string) {
    super(message);
    this.name = 'AuditSettingsError';
  }
}

export interface AuditTrailDependencies {
  readonly metrics?: AuditMetrics;
  /** Told of each batch a sink gave up on; log it there, once. */
  readonly onDeliveryFailure?: (failure: AuditDeliveryFailure) => void;
  /** The stdout sink's stream. Default process.stdout. */
  readonly stdout?: Writable;
  /**
   * Cluster mode: the webhook's batches are queued as `core.audit-deliver` jobs through this
   * (the worker posts them) instead of posted from this process. File and stdout stay local.
   */
  readonly webhookJobs?: JobQueueAuditSinkOptions['enqueue'];
}

export async function createAuditTrail(settings: AuditSettings, deps: AuditTrailDependencies = {}): Promise<AuditRecorder> {
  if (!settings.enabled) return NO_AUDIT;
  const policy =
    settings.policyFile === undefined
      ? METADATA_AUDIT_POLICY
      : parseAuditPolicy(await readSettingFile(settings.policyFile, 'audit.policyFile'), settings.policyFile);
  const sinks = await createSinks(settings, deps);
  if (sinks.length === 0)
    throw new AuditSettingsError('audit.enabled is true but no sink is set (audit.file, audit.stdout, audit.webhook)');
  const queue = new InProcessAuditQueue({
    sinks,
    ...settings.queue,
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
    ...(deps.onDeliveryFailure === undefined ? {} : { onDeliveryFailure: deps.onDeliveryFailure }),
  });
  return new AuditTrail({ policy, queue });
}

async function createSinks(settings: AuditSettings, deps: AuditTrailDependencies): Promise<AuditSink[]> {
  const sinks: AuditSink[] = [];
  if (settings.file !== undefined) sinks.push(new JsonLinesFileSink(settings.file));
  if (settings.stdout) sinks.push(new StreamAuditSink(deps.stdout === undefined ? {} : { stream: deps.stdout }));
  const webhook = settings.webhook;
  if (webhook !== undefined && deps.webhookJobs !== undefined) {
    const retryMs = webhook.initialBackoffMs;
    sinks.push(new JobQueueAuditSink({ enqueue: deps.webhookJobs, retryMs, ...(deps.metrics !== undefined && { metrics: deps.metrics }) }));
  } else if (webhook !== undefined) {
    sinks.push(await createWebhookAuditSink(webhook, deps.metrics));
  }
  return sinks;
}

/** The webhook sink the settings describe, its token and CA files read now (the worker's, in cluster mode). */
export async function createWebhookAuditSink(webhook: AuditWebhookSettings, metrics?: AuditMetrics): Promise<WebhookAuditSink> {
  const token =
    webhook.bearerTokenFile === undefined
      ? undefined
      : (await readSettingFile(webhook.bearerTokenFile, 'audit.webhook.bearerTokenFile')).trim();
  const ca = webhook.caFile === undefined ? undefined : await readSettingFile(webhook.caFile, 'audit.webhook.caFile');
  return new WebhookAuditSink({
    url: webhook.url,
    requestTimeoutMs: webhook.requestTimeoutMs,
    initialBackoffMs: webhook.initialBackoffMs,
    maxBackoffMs: webhook.maxBackoffMs,
    maxAttempts: webhook.maxAttempts,
    ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
    ...(ca === undefined ? {} : { ca }),
    ...(metrics === undefined ? {} : { metrics }),
  });
}

/** The file's text; a failure names the setting and the errno code, never the content. */
async function readSettingFile(path: string, setting: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new AuditSettingsError(`${setting}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
