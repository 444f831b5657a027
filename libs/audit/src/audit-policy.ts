// The audit.k8s.io/v1 Policy (k8s.io/apiserver/pkg/apis/audit/v1/types.go): which requests are
// recorded and at which level. The schema decodes strictly (an unknown field is an error, where
// kube-apiserver falls back to lenient decoding with a warning: a typo in an audit policy should
// stop the gateway, not silently record less). Validation beyond the shape is in parse-audit-policy.
import { z } from 'zod';

import { AUDIT_API_VERSION, auditLevelSchema, auditStageSchema, type AuditLevel, type AuditStage } from './audit-event';

export interface AuditGroupResources {
  /** API group; `''` is the core group, `'*'` any group. */
  readonly group?: string;
  // `pods`, `pods/log`, `*`, `*/log` (any resource's log), `pods/*`; none means every resource of the group.
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
}

export interface AuditPolicyRule {
  readonly level: AuditLevel;
  readonly users?: readonly string[];
  readonly userGroups?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resources?: readonly AuditGroupResources[];
  /** `''` matches non-namespaced resources, as in the apiserver. */
  readonly namespaces?: readonly string[];
  /** `/path`, `/prefix*` or `*`; matched against the requestURI of events without an objectRef. */
  readonly nonResourceURLs?: readonly string[];
  readonly omitStages?: readonly AuditStage[];
  /** Accepted for compatibility; Tailgate records no objects with managed fields. */
  readonly omitManagedFields?: boolean;
}

export interface AuditPolicy {
  readonly apiVersion: typeof AUDIT_API_VERSION;
  readonly kind: 'Policy';
  readonly rules: readonly AuditPolicyRule[];
  /** Stages no rule records; a rule's own omitStages add to these. */
  readonly omitStages?: readonly AuditStage[];
  readonly omitManagedFields?: boolean;
}

const stringList = z.array(z.string());

export const auditGroupResourcesSchema = z.strictObject({
  group: z.string().optional(),
  resources: stringList.optional(),
  resourceNames: stringList.optional(),
});

// Levels and stages are checked after the shape (see parse-audit-policy) so the error names the
// allowed values the way the apiserver's validation does; here they are plain strings.
export const auditPolicyRuleSchema = z.strictObject({
  level: z.string().optional(),
  users: stringList.optional(),
  userGroups: stringList.optional(),
  verbs: stringList.optional(),
  resources: z.array(auditGroupResourcesSchema).optional(),
  namespaces: stringList.optional(),
  nonResourceURLs: stringList.optional(),
  omitStages: stringList.optional(),
  omitManagedFields: z.boolean().optional(),
});

export const auditPolicyDocumentSchema = z.strictObject({
  apiVersion: z.literal(AUDIT_API_VERSION),
  kind: z.literal('Policy'),
  metadata: z.record(z.string(), z.unknown()).optional(),
  rules: z.array(auditPolicyRuleSchema),
  omitStages: stringList.optional(),
  omitManagedFields: z.boolean().optional(),
});

export const isAuditLevel = (value: string): value is AuditLevel => auditLevelSchema.safeParse(value).success;
export const isAuditStage = (value: string): value is AuditStage => auditStageSchema.safeParse(value).success;
