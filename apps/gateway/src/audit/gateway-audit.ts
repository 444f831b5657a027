// The gateway's side of the audit trail (issue 16): what the connection, subscription and stream
// code call at each audited moment. It wraps the recorder libs/audit builds from the `audit:`
// settings (NO_AUDIT when it is off); `record` never waits, so neither does any caller here.
import {
  accessDecisionEvent,
  type AuditConnection,
  type AuditRecorder,
  type AuditSubject,
  type AuditTarget,
  authenticationFailedEvent,
  NO_AUDIT,
  newAuditId,
  type PodLogAuditOptions,
  subscribeEvent,
} from '@tailgate/audit';
import { LOGS_NAMESPACE } from '@tailgate/contracts';

import { type ListenerAudit, RecordingListenerAudit, UNAUDITED } from './listener-audit';

export interface AuthenticationFailureDetail {
  /** Whether a bearer token was offered (never the token). */
  readonly tokenOffered: boolean;
  readonly reason: string;
  /** The authenticators that refused the token (`<pluginId>.<name>`, comma-separated); none without a token. */
  readonly authenticator?: string | undefined;
}

export interface SubscriptionRefusal {
  readonly subject: AuditSubject;
  readonly connection: AuditConnection;
  readonly target: AuditTarget;
  readonly authorizer?: string;
  readonly reason?: string;
  readonly logOptions?: PodLogAuditOptions;
}

export class GatewayAudit {
  constructor(
    private readonly recorder: AuditRecorder,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Whether anything is recorded; when not, listeners share one inert ListenerAudit. */
  get enabled(): boolean {
    return this.recorder !== NO_AUDIT;
  }

  /** A connection refused by authentication; returns the event's auditID when one was recorded. */
  authenticationFailed(connection: AuditConnection, detail: AuthenticationFailureDetail): string | undefined {
    const at = this.now();
    const event = this.recorder.record(
      authenticationFailedEvent(
        {
          auditID: newAuditId(),
          receivedAt: at,
          connection,
          requestURI: LOGS_NAMESPACE,
          ...(detail.tokenOffered && { attempted: 'bearer' as const }),
          ...(detail.authenticator ? { authenticator: detail.authenticator } : {}),
          reason: detail.reason,
        },
        at,
      ),
    );
    return event?.auditID;
  }

  /** A subscription refused as a whole, for a target it names (a pod, a node, a flow): subscribe and deny. */
  subscriptionRefused(refusal: SubscriptionRefusal): string | undefined {
    const at = this.now();
    const { subject, connection, target, authorizer, reason } = refusal;
    const request = { auditID: newAuditId(), receivedAt: at, subject, connection, target, logOptions: refusal.logOptions ?? {} };
    this.recorder.record(subscribeEvent(request, at));
    return this.recorder.record(accessDecisionEvent(request, { result: 'deny', authorizer, reason }, at))?.auditID;
  }

  /** The audited reads of one listener (one subscription of one connection). */
  listener(subject: AuditSubject, connection: AuditConnection, logOptions: PodLogAuditOptions): ListenerAudit {
    if (!this.enabled) return UNAUDITED;
    return new RecordingListenerAudit(this.recorder, { subject, connection, logOptions }, this.now);
  }

  /** Flushes what is queued (bounded by audit.queue.closeTimeoutMs) and closes the sinks. */
  close(): Promise<void> {
    return this.recorder.close();
  }
}

/** For tests and tools that start parts without an audit trail. */
export const NO_GATEWAY_AUDIT = new GatewayAudit(NO_AUDIT);
