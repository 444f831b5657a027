// GET /audit/events (issue 16 item 4): recent audit events for administrators. A bearer token is
// checked by the gateway's authenticators, the subject must be in one of `audit.query.groups`
// (none configured: the endpoint is off), the query string is parsed once here, and the answer is
// an audit.k8s.io/v1 EventList. Events hold no log lines by construction and never a token.
import {
  auditEventList,
  type AuditEventList,
  RECENT_AUDIT_QUERY_MAX_LIMIT,
  type RecentAuditEvents,
  type RecentAuditFilter,
} from '@tailgate/audit';
import type { Logger } from 'pino';
import { z } from 'zod';

import type { AuthenticationService } from '../auth/authentication.service';
import { bearerToken } from './bearer-token';

/** Events answered when the query names no limit. */
export const DEFAULT_AUDIT_QUERY_LIMIT = 100;

/** A Kubernetes meta/v1 Status, the body of every refusal. */
export interface QueryStatus {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly reason: 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound';
  readonly message: string;
  readonly code: 400 | 401 | 403 | 404;
}

export type AuditQueryAnswer =
  { readonly code: 200; readonly body: AuditEventList } | { readonly code: QueryStatus['code']; readonly body: QueryStatus };

const time = z
  .string()
  .refine((text) => /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)), 'must be an RFC 3339 time')
  .transform((text) => Date.parse(text));
const name = z.string().min(1).max(253);

const AuditQueryParamsSchema = z.strictObject({
  user: name.optional(),
  namespace: name.optional(),
  pod: name.optional(),
  since: time.optional(),
  until: time.optional(),
  limit: z.coerce.number().int().min(1).max(RECENT_AUDIT_QUERY_MAX_LIMIT).default(DEFAULT_AUDIT_QUERY_LIMIT),
});

export interface AuditQueryParts {
  /** Undefined when `audit.query.groups` is empty: the endpoint answers 404. */
  readonly recent: RecentAuditEvents | undefined;
  readonly groups: readonly string[];
  readonly authentication: AuthenticationService;
  readonly logger: Logger;
}

export class AuditQuery {
  constructor(private readonly parts: AuditQueryParts) {}

  async answer(authorization: string | undefined, params: unknown): Promise<AuditQueryAnswer> {
    const { recent, groups, authentication, logger } = this.parts;
    if (recent === undefined || groups.length === 0) return refusal(404, 'NotFound', 'the audit query is off (audit.query.groups)');
    const token = bearerToken(authorization);
    const identity = await authentication.authenticate(token);
    if (!identity.ok) return refusal(401, 'Unauthorized', 'a valid bearer token is required');
    const { subject } = identity;
    if (!subject.groups.some((group) => groups.includes(group))) {
      logger.warn({ user: subject.user }, 'audit query refused: not in audit.query.groups');
      return refusal(403, 'Forbidden', 'not a member of a group allowed to query audit events');
    }
    const parsed = AuditQueryParamsSchema.safeParse(params);
    if (!parsed.success) return refusal(400, 'BadRequest', parsed.error.issues.map(describeIssue).join('; '));
    const filter = definedOnly(parsed.data);
    const events = await recent.query(filter);
    logger.info({ user: subject.user, filter, events: events.length }, 'audit events queried');
    return { code: 200, body: auditEventList(events) };
  }
}

function refusal(code: QueryStatus['code'], reason: QueryStatus['reason'], message: string): AuditQueryAnswer {
  return { code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, message, code } };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issue.path.join('.') || 'query'}: ${issue.message}`;
}

/** The filter without absent keys (exactOptionalPropertyTypes). */
function definedOnly(params: z.output<typeof AuditQueryParamsSchema>): RecentAuditFilter {
  const { limit, ...rest } = params;
  return { limit, ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)) };
}
