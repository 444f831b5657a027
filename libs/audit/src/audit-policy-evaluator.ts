// Which level and which omitted stages an audit policy gives a request: a line-by-line mirror of
// kube-apiserver's rule checker (k8s.io/apiserver/pkg/audit/policy/checker.go, v0.36), so a
// policy written for the apiserver means the same here. The first matching rule wins; no match
// means level None. A rule's omitStages are the union of its own and the policy's.
import type { AuditLevel, AuditStage } from './audit-event';
import type { AuditEventDraft } from './audit-event-draft';
import type { AuditPolicy, AuditPolicyRule } from './audit-policy';

/** What the checker reads of a request (the apiserver's authorizer.Attributes). */
export interface AuditAttributes {
  /** Absent for a request that failed authentication: rules naming users or groups skip it. */
  readonly user?: { readonly username: string; readonly groups: readonly string[] };
  readonly verb: string;
  /** Absent for a non-resource request (matched by nonResourceURLs against `path`). */
  readonly resource?: {
    readonly apiGroup: string;
    readonly resource: string;
    readonly subresource: string;
    /** `''` for cluster-scoped resources. */
    readonly namespace: string;
    readonly name: string;
  };
  /** The URL path, without the query. */
  readonly path: string;
}

export interface AuditRequestConfig {
  readonly level: AuditLevel;
  readonly omitStages: readonly AuditStage[];
}

export type AuditPolicyEvaluator = (attributes: AuditAttributes) => AuditRequestConfig;

export function createAuditPolicyEvaluator(policy: AuditPolicy): AuditPolicyEvaluator {
  const policyStages = policy.omitStages ?? [];
  // NewPolicyRuleEvaluator: each rule's omitStages become the union with the policy's.
  const rules = policy.rules.map((rule) => ({
    rule,
    config: { level: rule.level, omitStages: [...new Set([...policyStages, ...(rule.omitStages ?? [])])] },
  }));
  const fallback: AuditRequestConfig = { level: 'None', omitStages: policyStages };
  return (attributes) => rules.find(({ rule }) => ruleMatches(rule, attributes))?.config ?? fallback;
}

/** The attributes of a draft event, as the apiserver derives them from the request. */
export function auditAttributesOf(draft: AuditEventDraft): AuditAttributes {
  const { user, objectRef } = draft;
  const queryAt = draft.requestURI.indexOf('?');
  return {
    ...(user.username === undefined ? {} : { user: { username: user.username, groups: user.groups ?? [] } }),
    verb: draft.verb,
    ...(objectRef === undefined
      ? {}
      : {
          resource: {
            apiGroup: objectRef.apiGroup ?? '',
            resource: objectRef.resource ?? '',
            subresource: objectRef.subresource ?? '',
            namespace: objectRef.namespace ?? '',
            name: objectRef.name ?? '',
          },
        }),
    path: queryAt === -1 ? draft.requestURI : draft.requestURI.slice(0, queryAt),
  };
}

function ruleMatches(rule: AuditPolicyRule, attrs: AuditAttributes): boolean {
  const { user } = attrs;
  if (nonEmpty(rule.users) && (user === undefined || !rule.users.includes(user.username))) return false;
  if (nonEmpty(rule.userGroups) && (user === undefined || !user.groups.some((group) => rule.userGroups?.includes(group)))) {
    return false;
  }
  if (nonEmpty(rule.verbs) && !rule.verbs.includes(attrs.verb)) return false;
  if (nonEmpty(rule.namespaces) || nonEmpty(rule.resources)) return ruleMatchesResource(rule, attrs);
  if (nonEmpty(rule.nonResourceURLs)) return ruleMatchesNonResource(rule.nonResourceURLs, attrs);
  return true;
}

function ruleMatchesNonResource(specs: readonly string[], attrs: AuditAttributes): boolean {
  if (attrs.resource !== undefined) return false;
  return specs.some((spec) => pathMatches(attrs.path, spec));
}

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  // Go's strings.TrimRight(spec, "*"): every trailing star goes.
  return spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, ''));
}

function ruleMatchesResource(rule: AuditPolicyRule, attrs: AuditAttributes): boolean {
  const request = attrs.resource;
  if (request === undefined) return false;
  if (nonEmpty(rule.namespaces) && !rule.namespaces.includes(request.namespace)) return false;
  if (!nonEmpty(rule.resources)) return true;
  const { apiGroup, resource, subresource, name } = request;
  // With a subresource, the rule must name "(resource)/(subresource)".
  const combined = subresource === '' ? resource : `${resource}/${subresource}`;
  return rule.resources.some((gr) => {
    const group = gr.group ?? '';
    if (group !== apiGroup && group !== '*') return false;
    if (!nonEmpty(gr.resources)) return true;
    if (nonEmpty(gr.resourceNames) && !gr.resourceNames.includes(name)) return false;
    return gr.resources.some(
      (res) =>
        res === combined ||
        res === '*' ||
        (subresource !== '' && res.startsWith('*/') && subresource === res.slice(2)) ||
        // As in the apiserver, "pods/*" also matches "pods" itself (no subresource).
        (res.endsWith('/*') && resource === res.slice(0, -2)),
    );
  });
}

function nonEmpty<T>(values: readonly T[] | undefined): values is readonly T[] {
  return values !== undefined && values.length > 0;
}
