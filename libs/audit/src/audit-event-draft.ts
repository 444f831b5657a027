// An audit event before the policy has chosen its level, and the one place a draft becomes an
// Event: field by field in the apiserver's field order, with what the level does not record left
// out (Metadata: no request or response object; Request: no response object), as the
// apiserver's LogRequestObject / LogResponseObject do.
import {
  AUDIT_API_VERSION,
  type AuditEvent,
  type AuditEventList,
  type AuditLevel,
  type AuditObjectReference,
  type AuditResponseStatus,
  type AuditUserInfo,
} from './audit-event';

/** An Event before the policy chose its level: everything but kind, apiVersion, level (and no impersonation). */
export type AuditEventDraft = Omit<AuditEvent, 'kind' | 'apiVersion' | 'level' | 'impersonatedUser'>;

export type RecordedAuditLevel = Exclude<AuditLevel, 'None'>;

/** The Event the apiserver would write at `level`; `kind`/`apiVersion` on, as on a log line. */
export function finalizeAuditEvent(draft: AuditEventDraft, level: RecordedAuditLevel): AuditEvent {
  const event: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: AUDIT_API_VERSION,
    level,
    auditID: draft.auditID,
    stage: draft.stage,
    requestURI: draft.requestURI,
    verb: draft.verb,
    user: userInfo(draft.user),
  };
  if (draft.sourceIPs !== undefined && draft.sourceIPs.length > 0) event['sourceIPs'] = [...draft.sourceIPs];
  if (draft.userAgent !== undefined && draft.userAgent !== '') event['userAgent'] = draft.userAgent;
  if (draft.objectRef !== undefined) event['objectRef'] = objectRef(draft.objectRef);
  if (draft.responseStatus !== undefined) event['responseStatus'] = responseStatus(draft.responseStatus);
  if (level !== 'Metadata' && draft.requestObject !== undefined) event['requestObject'] = draft.requestObject;
  if (level === 'RequestResponse' && draft.responseObject !== undefined) event['responseObject'] = draft.responseObject;
  event['requestReceivedTimestamp'] = draft.requestReceivedTimestamp;
  event['stageTimestamp'] = draft.stageTimestamp;
  if (draft.annotations !== undefined && Object.keys(draft.annotations).length > 0) {
    event['annotations'] = { ...draft.annotations };
  }
  return event as unknown as AuditEvent;
}

/** The webhook backend's body: items carry no `kind`/`apiVersion`, as the apiserver sends them. */
export function auditEventList(events: readonly AuditEvent[]): AuditEventList {
  return {
    kind: 'EventList',
    apiVersion: AUDIT_API_VERSION,
    metadata: {},
    items: events.map(({ kind: _kind, apiVersion: _apiVersion, ...item }) => item),
  };
}

/** Every UserInfo field is `omitempty`: empty ones are left out, as Go's encoder does. */
function userInfo(user: AuditUserInfo): AuditUserInfo {
  const out: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } = {};
  if (user.username !== undefined && user.username !== '') out.username = user.username;
  if (user.uid !== undefined && user.uid !== '') out.uid = user.uid;
  if (user.groups !== undefined && user.groups.length > 0) out.groups = [...user.groups];
  if (user.extra !== undefined && Object.keys(user.extra).length > 0) {
    out.extra = Object.fromEntries(Object.entries(user.extra).map(([key, values]) => [key, [...values]]));
  }
  return out;
}

const OBJECT_REF_FIELDS = [
  'resource',
  'namespace',
  'name',
  'uid',
  'apiGroup',
  'apiVersion',
  'resourceVersion',
  'subresource',
] as const satisfies readonly (keyof AuditObjectReference)[];

function objectRef(ref: AuditObjectReference): AuditObjectReference {
  const out: Partial<Record<(typeof OBJECT_REF_FIELDS)[number], string>> = {};
  for (const field of OBJECT_REF_FIELDS) {
    const value = ref[field];
    if (value !== undefined && value !== '') out[field] = value;
  }
  return out;
}

function responseStatus(status: AuditResponseStatus): AuditResponseStatus {
  const out: { metadata: Record<string, never>; status?: 'Success' | 'Failure'; message?: string; reason?: string; code?: number } = {
    metadata: {},
  };
  if (status.status !== undefined) out.status = status.status;
  if (status.message !== undefined && status.message !== '') out.message = status.message;
  if (status.reason !== undefined && status.reason !== '') out.reason = status.reason;
  if (status.code !== undefined && status.code !== 0) out.code = status.code;
  return out;
}
