// What the gateway calls at each audited moment: the policy picks the level (None records
// nothing), omitted stages are skipped, and the finished Event is handed to the delivery queue.
// record() never waits and never throws on delivery: sinks run behind the queue.
import { randomUUID } from 'node:crypto';

import type { AuditEvent } from './audit-event';
import { finalizeAuditEvent, type AuditEventDraft } from './audit-event-draft';
import type { AuditEventQueue } from './audit-event-queue';
import type { AuditPolicy } from './audit-policy';
import { auditAttributesOf, createAuditPolicyEvaluator, type AuditPolicyEvaluator } from './audit-policy-evaluator';

/** What the gateway holds: an AuditTrail, or NO_AUDIT when auditing is off. */
export interface AuditRecorder {
  /** The event as recorded, or undefined when nothing was recorded. Never waits, never throws on delivery. */
  record(draft: AuditEventDraft): AuditEvent | undefined;
  close(): Promise<void>;
}

export const NO_AUDIT: AuditRecorder = { record: () => undefined, close: async () => undefined };

export interface AuditTrailOptions {
  readonly policy: AuditPolicy;
  readonly queue: AuditEventQueue;
}

export class AuditTrail implements AuditRecorder {
  private readonly evaluate: AuditPolicyEvaluator;

  constructor(private readonly options: AuditTrailOptions) {
    this.evaluate = createAuditPolicyEvaluator(options.policy);
  }

  /** The event as recorded, or undefined when the policy records nothing of this stage. */
  record(draft: AuditEventDraft): AuditEvent | undefined {
    const { level, omitStages } = this.evaluate(auditAttributesOf(draft));
    if (level === 'None' || omitStages.includes(draft.stage)) return undefined;
    const event = finalizeAuditEvent(draft, level);
    this.options.queue.enqueue(event);
    return event;
  }

  /** Flushes and closes the queue (and with it the sinks). */
  close(): Promise<void> {
    return this.options.queue.close();
  }
}

/** A fresh auditID, a UUID as the apiserver's. */
export function newAuditId(): string {
  return randomUUID();
}
