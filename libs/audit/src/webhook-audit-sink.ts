// The webhook sink, kube-apiserver's `--audit-webhook-config-file` backend: each batch is POSTed
// as one audit.k8s.io/v1 EventList. Like the apiserver's backend it retries on every error (a
// refused connection, a timeout, any non-2xx answer), with exponential backoff, and gives up
// after `maxAttempts`. It runs behind the delivery queue, so its retries hold up only its own
// lane; the batch after this one waits, which keeps the receiver's view in order.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

import type { AuditEvent } from './audit-event';
import { auditEventList } from './audit-event-draft';
import { NO_AUDIT_METRICS, type AuditMetrics } from './audit-metrics';
import { abortableDelay, abortReason, type AuditSink } from './audit-sink';

export interface WebhookAuditSinkOptions {
  /** `http://` or `https://` endpoint that receives EventLists. */
  readonly url: string;
  /** Extra request headers, e.g. `Authorization`. Never logged, never in errors. */
  readonly headers?: Readonly<Record<string, string>>;
  /** PEM CA bundle to trust for an https endpoint. Default: the system's. */
  readonly ca?: string;
  /** Metrics label. Default `webhook`. */
  readonly name?: string;
  /** Per request. Default 10000 ms. */
  readonly requestTimeoutMs?: number;
  /** Wait before the first retry; doubles per retry. Default 1000 ms (the apiserver: 10 s). */
  readonly initialBackoffMs?: number;
  /** Longest wait between retries. Default 60000 ms. */
  readonly maxBackoffMs?: number;
  /** Attempts per batch, the first included. Default 10. */
  readonly maxAttempts?: number;
  /** Counts retries. Default: nowhere. */
  readonly metrics?: AuditMetrics;
}

export const WEBHOOK_SINK_DEFAULTS = {
  name: 'webhook',
  requestTimeoutMs: 10_000,
  initialBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  maxAttempts: 10,
} as const;

/** A batch the webhook did not take; the message names the cause, never headers or bodies. */
export class WebhookDeliveryError extends Error {
  readonly code = 'audit_webhook_failed';

  /** `permanent`: the receiver refused the batch itself (a 4xx other than 408 or 429); sending it again cannot help. */
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

export class WebhookAuditSink implements AuditSink {
  readonly name: string;
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly settings: Required<
    Pick<WebhookAuditSinkOptions, 'requestTimeoutMs' | 'initialBackoffMs' | 'maxBackoffMs' | 'maxAttempts'>
  >;

  constructor(private readonly options: WebhookAuditSinkOptions) {
    this.url = new URL(options.url);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') {
      throw new RangeError(`audit webhook url must be http or https, got ${this.url.protocol}`);
    }
    this.name = options.name ?? WEBHOOK_SINK_DEFAULTS.name;
    this.settings = {
      requestTimeoutMs: options.requestTimeoutMs ?? WEBHOOK_SINK_DEFAULTS.requestTimeoutMs,
      initialBackoffMs: options.initialBackoffMs ?? WEBHOOK_SINK_DEFAULTS.initialBackoffMs,
      maxBackoffMs: options.maxBackoffMs ?? WEBHOOK_SINK_DEFAULTS.maxBackoffMs,
      maxAttempts: Math.max(1, options.maxAttempts ?? WEBHOOK_SINK_DEFAULTS.maxAttempts),
    };
    // One connection: batches go one at a time anyway, and keep-alive saves a handshake per batch.
    this.agent =
      this.url.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true, maxSockets: 1, ...(options.ca === undefined ? {} : { ca: options.ca }) })
        : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  }

  async deliver(batch: readonly AuditEvent[], signal: AbortSignal): Promise<void> {
    const body = Buffer.from(JSON.stringify(auditEventList(batch)));
    const { maxAttempts } = this.settings;
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      try {
        await this.post(body, signal);
        return;
      } catch (error) {
        if (signal.aborted) throw abortReason(signal);
        if (attempt >= maxAttempts) {
          throw new WebhookDeliveryError(`audit webhook ${this.url.host}: gave up after ${attempt} attempts: ${describe(error)}`);
        }
      }
      (this.options.metrics ?? NO_AUDIT_METRICS).retried(this.name);
      await abortableDelay(this.backoffMs(attempt), signal);
    }
  }

  /**
   * One POST of `batch`, no retry: for a job runner whose retries replace the sink's own.
   * Rejects with a WebhookDeliveryError, `permanent` when the receiver refused the batch itself.
   */
  async postOnce(batch: readonly AuditEvent[], signal: AbortSignal): Promise<void> {
    try {
      await this.post(Buffer.from(JSON.stringify(auditEventList(batch))), signal);
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      const status = (error as { status?: unknown }).status;
      const permanent = typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
      throw new WebhookDeliveryError(`audit webhook ${this.url.host}: ${describe(error)}`, permanent);
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  /** Wait after failed attempt `n` (≥ 1): initial, 2·initial, 4·initial, … capped. */
  backoffMs(attempt: number): number {
    const { initialBackoffMs, maxBackoffMs } = this.settings;
    return Math.min(initialBackoffMs * 2 ** Math.min(attempt - 1, 30), maxBackoffMs);
  }

  private post(body: Buffer, signal: AbortSignal): Promise<void> {
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(this.url, {
        method: 'POST',
        agent: this.agent,
        signal,
        headers: { ...this.options.headers, 'content-type': 'application/json', 'content-length': body.length },
        timeout: this.settings.requestTimeoutMs,
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.settings.requestTimeoutMs} ms`)));
      request.on('error', reject);
      request.on('response', (response: IncomingMessage) => {
        // The answer's body is not ours to keep: drain it so the connection can be reused.
        response.resume();
        response.on('error', reject);
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(Object.assign(new Error(`HTTP ${status}`), { status }));
        });
      });
      request.end(body);
    });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return 'unknown error';
}
