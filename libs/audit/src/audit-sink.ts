// Where audit events go. Every sink takes batches one at a time, in order, from the delivery
// queue, which is what keeps the hot path from ever waiting on one.
import type { AuditEvent } from './audit-event';

export interface AuditSink {
  /** The `sink` label of the audit metrics, unique per queue: `file`, `stdout`, `webhook`. */
  readonly name: string;
  /**
   * Writes one batch, in order. Resolves once it is delivered; rejects once the sink gives up
   * on it (after its own retries) or `signal` aborts (the queue's close deadline passed).
   * Never called again before the previous call settled.
   */
  deliver(batch: readonly AuditEvent[], signal: AbortSignal): Promise<void>;
  /** Releases files and sockets; called once, after the last delivery settled. */
  close(): Promise<void>;
}

/** One Event as one JSON line, the format of kube-apiserver's `--audit-log-format=json`. */
export function auditEventLine(event: AuditEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/** Why `signal` aborted, as an Error (an abort reason may be any value). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('audit delivery aborted');
}

/** Resolves after `ms`; rejects with the abort reason once `signal` aborts. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
