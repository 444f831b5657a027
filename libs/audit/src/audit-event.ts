// The audit.k8s.io/v1 Event and EventList, exactly as kube-apiserver defines them
// (k8s.io/apiserver/pkg/apis/audit/v1/types.go, v0.36), so tools that read apiserver audit logs
// read ours unchanged. The schemas are strict like the apiserver's strict decoder: an unknown
// field is an error. Optional fields are the Go fields tagged `omitempty`; our builders leave
// them out rather than writing empty values, which is what the apiserver's encoder does too.
import { z } from 'zod';

export const AUDIT_API_VERSION = 'audit.k8s.io/v1';

export const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
/** How much of a request is recorded; ordered, `None` records nothing. */
export type AuditLevel = (typeof AUDIT_LEVELS)[number];

export const AUDIT_STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type AuditStage = (typeof AUDIT_STAGES)[number];

/** authentication/v1 UserInfo: every field is `omitempty`, so a failed login records `"user": {}`. */
export interface AuditUserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** audit/v1 ObjectReference: what the request was about. */
export interface AuditObjectReference {
  readonly resource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly uid?: string;
  /** Empty (left out) for the core group. */
  readonly apiGroup?: string;
  readonly apiVersion?: string;
  readonly resourceVersion?: string;
  readonly subresource?: string;
}

/**
 * meta/v1 Status as the apiserver records it in `responseStatus`. `metadata` (a ListMeta struct,
 * which Go's `omitempty` never omits) is always `{}` in apiserver output, so we write it too.
 */
export interface AuditResponseStatus {
  readonly metadata: Readonly<Record<string, never>>;
  readonly status?: 'Success' | 'Failure';
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
}

/** A JSON object carried as runtime.Unknown (`requestObject`, `responseObject`). */
export type AuditEmbeddedObject = Readonly<Record<string, unknown>>;

export interface AuditEvent {
  /** Written on every line of a log file; left out of EventList items, as the apiserver does. */
  readonly kind?: 'Event';
  readonly apiVersion?: typeof AUDIT_API_VERSION;
  readonly level: AuditLevel;
  /** One id per request; every stage of that request carries it. */
  readonly auditID: string;
  readonly stage: AuditStage;
  readonly requestURI: string;
  /** The Kubernetes verb (`get`, `list`, `watch`), not the HTTP method. */
  readonly verb: string;
  readonly user: AuditUserInfo;
  readonly impersonatedUser?: AuditUserInfo;
  readonly sourceIPs?: readonly string[];
  readonly userAgent?: string;
  readonly objectRef?: AuditObjectReference;
  readonly responseStatus?: AuditResponseStatus;
  readonly requestObject?: AuditEmbeddedObject;
  readonly responseObject?: AuditEmbeddedObject;
  /** meta/v1 MicroTime: RFC 3339 in UTC with exactly six fractional digits. */
  readonly requestReceivedTimestamp: string;
  readonly stageTimestamp: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface AuditEventList {
  readonly kind: 'EventList';
  readonly apiVersion: typeof AUDIT_API_VERSION;
  readonly metadata: Readonly<Record<string, never>>;
  readonly items: readonly AuditEvent[];
}

/** `2006-01-02T15:04:05.000000Z07:00`; the apiserver always writes UTC (`Z`). */
export const MICRO_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;

export const auditLevelSchema = z.enum(AUDIT_LEVELS);
export const auditStageSchema = z.enum(AUDIT_STAGES);
const microTimeSchema = z.string().regex(MICRO_TIME_PATTERN, 'must be RFC 3339 with microseconds (MicroTime)');
const emptyMetaSchema = z.strictObject({});

export const auditUserInfoSchema = z.strictObject({
  username: z.string().optional(),
  uid: z.string().optional(),
  groups: z.array(z.string()).optional(),
  extra: z.record(z.string(), z.array(z.string())).optional(),
});

export const auditObjectReferenceSchema = z.strictObject({
  resource: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  apiGroup: z.string().optional(),
  apiVersion: z.string().optional(),
  resourceVersion: z.string().optional(),
  subresource: z.string().optional(),
});

export const auditResponseStatusSchema = z.strictObject({
  metadata: emptyMetaSchema,
  status: z.enum(['Success', 'Failure']).optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  code: z.number().int().optional(),
});

const embeddedObjectSchema = z.record(z.string(), z.unknown());

export const auditEventSchema = z.strictObject({
  kind: z.literal('Event').optional(),
  apiVersion: z.literal(AUDIT_API_VERSION).optional(),
  level: auditLevelSchema,
  auditID: z.string().min(1),
  stage: auditStageSchema,
  requestURI: z.string(),
  verb: z.string(),
  user: auditUserInfoSchema,
  impersonatedUser: auditUserInfoSchema.optional(),
  sourceIPs: z.array(z.string()).optional(),
  userAgent: z.string().optional(),
  objectRef: auditObjectReferenceSchema.optional(),
  responseStatus: auditResponseStatusSchema.optional(),
  requestObject: embeddedObjectSchema.optional(),
  responseObject: embeddedObjectSchema.optional(),
  requestReceivedTimestamp: microTimeSchema,
  stageTimestamp: microTimeSchema,
  annotations: z.record(z.string(), z.string()).optional(),
});

export const auditEventListSchema = z.strictObject({
  kind: z.literal('EventList'),
  apiVersion: z.literal(AUDIT_API_VERSION),
  metadata: emptyMetaSchema,
  items: z.array(auditEventSchema),
});

// Compile-time proof that what the schemas accept is what the types describe.
const _eventSchemaFitsType: z.ZodType<AuditEvent> = auditEventSchema;
const _listSchemaFitsType: z.ZodType<AuditEventList> = auditEventListSchema;
void _eventSchemaFitsType;
void _listSchemaFitsType;
