// The drafts for the moments the gateway records, mapped onto the apiserver's request stages so
// a Tailgate stream reads like the `kubectl logs -f` it stands for:
//
//   subscribe          RequestReceived                          (the read is asked for)
//   decision allow     ResponseStarted, 200                     (the stream starts)
//   decision deny      ResponseComplete, 403 Forbidden          (the read ends, refused)
//   revocation         ResponseComplete, 403 Forbidden          (the stream ends, access withdrawn)
//   stream end         ResponseComplete, 200                    (the stream ends otherwise)
//   auth failure       ResponseStarted, 401 (no user, no objectRef), as the apiserver's
//                      WithFailedAuthenticationAudit records it
//
// One AuditedRequest (one auditID) per stream of one target; a revocation is that stream's
// ResponseComplete, so no stream-end follows it. Drafts are built field by field from the
// inputs; log lines and credentials have no field to go into.
import { AUDIT_ANNOTATIONS, type AuditMoment } from './audit-annotations';
import type { AuditUserInfo } from './audit-event';
import type { AuditEventDraft } from './audit-event-draft';
import { auditObjectRef, auditRequestURI, auditVerb, podLogOptionsObject, type AuditTarget, type PodLogAuditOptions } from './audit-target';
import { formatMicroTime } from './micro-time';

/** Who is asking; structurally the plugin SDK's `Subject`, so the gateway passes it as is. */
export interface AuditSubject {
  readonly user: string;
  readonly groups: readonly string[];
  readonly uid?: string;
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** Where a request came from. */
export interface AuditConnection {
  /** Client address first, then proxies (X-Forwarded-For order), as the apiserver lists them. */
  readonly sourceIPs: readonly string[];
  readonly userAgent?: string;
  /** The gateway's connection id, to correlate with its logs. */
  readonly connectionId?: string;
}

/** One audited read: made at subscribe for each target, kept for the life of its stream. */
export interface AuditedRequest {
  readonly auditID: string;
  readonly receivedAt: Date;
  readonly subject: AuditSubject;
  readonly connection: AuditConnection;
  readonly target: AuditTarget;
  readonly logOptions?: PodLogAuditOptions;
}

export interface AuditDecision {
  readonly result: 'allow' | 'deny' | 'conditional';
  /** `<pluginId>.<name>` of the deciding authorizer. */
  readonly authorizer?: string;
  readonly reason?: string;
}

/** What a stream delivered to its listener until now. */
export interface DeliveredCounts {
  readonly records: number;
  readonly bytes: number;
}

export function subscribeEvent(request: AuditedRequest, at: Date): AuditEventDraft {
  return requestDraft(request, at, 'RequestReceived', 'subscribe', {});
}

export function accessDecisionEvent(request: AuditedRequest, decision: AuditDecision, at: Date): AuditEventDraft {
  const annotations = decisionAnnotations(decision.result === 'deny' ? 'forbid' : 'allow', decision);
  annotations[AUDIT_ANNOTATIONS.decision] = decision.result;
  if (decision.result === 'deny') {
    return { ...requestDraft(request, at, 'ResponseComplete', 'decision', annotations), responseStatus: forbidden(request) };
  }
  return { ...requestDraft(request, at, 'ResponseStarted', 'decision', annotations), responseStatus: { metadata: {}, code: 200 } };
}

export interface Revocation {
  readonly authorizer?: string;
  readonly reason?: string;
  readonly delivered: DeliveredCounts;
}

export function revocationEvent(request: AuditedRequest, revocation: Revocation, at: Date): AuditEventDraft {
  const annotations = decisionAnnotations('forbid', revocation);
  annotations[AUDIT_ANNOTATIONS.decision] = 'deny';
  annotations[AUDIT_ANNOTATIONS.endReason] = 'revoked';
  addDelivered(annotations, revocation.delivered);
  return { ...requestDraft(request, at, 'ResponseComplete', 'revocation', annotations), responseStatus: forbidden(request) };
}

export interface StreamEnd {
  /** e.g. `completed` (the container stopped), `client-closed`, `shutdown`, `upstream-failed`. */
  readonly reason: string;
  readonly delivered: DeliveredCounts;
}

export function streamEndEvent(request: AuditedRequest, end: StreamEnd, at: Date): AuditEventDraft {
  const annotations: Record<string, string> = { [AUDIT_ANNOTATIONS.endReason]: end.reason };
  addDelivered(annotations, end.delivered);
  return { ...requestDraft(request, at, 'ResponseComplete', 'stream-end', annotations), responseStatus: { metadata: {}, code: 200 } };
}

export interface AuthenticationFailure {
  readonly auditID: string;
  readonly receivedAt: Date;
  readonly connection: AuditConnection;
  /** What the client connected to, e.g. `/logs` (the Socket.IO namespace). */
  readonly requestURI: string;
  /** Which credentials were tried: `bearer`, or none. Never the credentials themselves. */
  readonly attempted?: 'bearer';
  readonly authenticator?: string;
  /** The authenticator's reason (for audit; clients see only `unauthenticated`). */
  readonly reason?: string;
}

export function authenticationFailedEvent(failure: AuthenticationFailure, at: Date): AuditEventDraft {
  const annotations: Record<string, string> = { [AUDIT_ANNOTATIONS.moment]: 'authentication-failed' satisfies AuditMoment };
  if (failure.authenticator !== undefined) annotations[AUDIT_ANNOTATIONS.authorizer] = failure.authenticator;
  if (failure.reason !== undefined) annotations[AUDIT_ANNOTATIONS.reason] = failure.reason;
  if (failure.connection.connectionId !== undefined) annotations[AUDIT_ANNOTATIONS.connection] = failure.connection.connectionId;
  const message =
    failure.attempted === undefined
      ? 'Authentication failed, no credentials provided'
      : `Authentication failed, attempted: ${failure.attempted}`;
  return {
    auditID: failure.auditID,
    stage: 'ResponseStarted',
    requestURI: failure.requestURI,
    verb: 'get',
    user: {},
    sourceIPs: failure.connection.sourceIPs,
    ...(failure.connection.userAgent === undefined ? {} : { userAgent: failure.connection.userAgent }),
    responseStatus: { metadata: {}, message, code: 401 },
    requestReceivedTimestamp: formatMicroTime(failure.receivedAt),
    stageTimestamp: formatMicroTime(at),
    annotations,
  };
}

/** The user as the apiserver records it: username, uid, groups, extra. */
export function auditUserInfo(subject: AuditSubject): AuditUserInfo {
  return {
    username: subject.user,
    ...(subject.uid === undefined ? {} : { uid: subject.uid }),
    groups: subject.groups,
    ...(subject.extra === undefined ? {} : { extra: subject.extra }),
  };
}

function requestDraft(
  request: AuditedRequest,
  at: Date,
  stage: AuditEventDraft['stage'],
  moment: AuditMoment,
  annotations: Record<string, string>,
): AuditEventDraft {
  const { target, connection } = request;
  const all: Record<string, string> = { [AUDIT_ANNOTATIONS.moment]: moment, ...annotations };
  if (target.kind === 'pod' && target.container !== undefined) all[AUDIT_ANNOTATIONS.container] = target.container;
  if (target.kind === 'events' && target.regarding !== undefined) all[AUDIT_ANNOTATIONS.regarding] = target.regarding;
  if (connection.connectionId !== undefined) all[AUDIT_ANNOTATIONS.connection] = connection.connectionId;
  const requestObject = target.kind === 'pod' ? podLogOptionsObject(target.container, request.logOptions ?? {}) : undefined;
  return {
    auditID: request.auditID,
    stage,
    requestURI: auditRequestURI(target, request.logOptions),
    verb: auditVerb(target),
    user: auditUserInfo(request.subject),
    sourceIPs: connection.sourceIPs,
    ...(connection.userAgent === undefined ? {} : { userAgent: connection.userAgent }),
    objectRef: auditObjectRef(target),
    ...(requestObject === undefined ? {} : { requestObject }),
    requestReceivedTimestamp: formatMicroTime(request.receivedAt),
    stageTimestamp: formatMicroTime(at),
    annotations: all,
  };
}

function decisionAnnotations(
  kubeDecision: 'allow' | 'forbid',
  decision: { readonly authorizer?: string; readonly reason?: string },
): Record<string, string> {
  const annotations: Record<string, string> = { [AUDIT_ANNOTATIONS.kubeDecision]: kubeDecision };
  if (decision.authorizer !== undefined) annotations[AUDIT_ANNOTATIONS.authorizer] = decision.authorizer;
  if (decision.reason !== undefined) {
    annotations[AUDIT_ANNOTATIONS.reason] = decision.reason;
    annotations[AUDIT_ANNOTATIONS.kubeReason] = decision.reason;
  }
  return annotations;
}

function addDelivered(annotations: Record<string, string>, delivered: DeliveredCounts): void {
  annotations[AUDIT_ANNOTATIONS.records] = String(delivered.records);
  annotations[AUDIT_ANNOTATIONS.bytes] = String(delivered.bytes);
}

/** The apiserver's Forbidden status, worded as its authorization filter words it. */
function forbidden(request: AuditedRequest): AuditEventDraft['responseStatus'] {
  const ref = auditObjectRef(request.target);
  const resource = ref.subresource === undefined ? ref.resource : `${ref.resource}/${ref.subresource}`;
  const where = ref.namespace === undefined ? 'at the cluster scope' : `in the namespace "${ref.namespace}"`;
  // A named object: `pods "web" is forbidden`; a collection: `events.events.k8s.io is forbidden`.
  const what =
    ref.name === undefined ? `${ref.resource}${ref.apiGroup === undefined ? '' : `.${ref.apiGroup}`}` : `${ref.resource} "${ref.name}"`;
  const message =
    `${what} is forbidden: User "${request.subject.user}" cannot ${auditVerb(request.target)} resource ` +
    `"${resource}" in API group "${ref.apiGroup ?? ''}" ${where}`;
  return { metadata: {}, status: 'Failure', message, reason: 'Forbidden', code: 403 };
}
