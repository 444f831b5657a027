// Pure core of readable-scope discovery: which pods' logs a SelfSubjectRulesReview's rules let
// the caller `get`. Matching follows RBAC's own (`pkg/apis/rbac/v1/evaluation_helpers.go`):
// `*` or exact verb and API group, resource `*`, `pods/log` or `*/log`, and `resourceNames`
// narrowing a rule to single pods.
import type { SubjectRule } from './kube-api';

/** `'*'`: every pod of the namespace; a list: only these pods (empty: none). */
export type ReadablePods = '*' | readonly string[];

const matches = (values: readonly string[] | undefined, wanted: readonly string[]): boolean =>
  values !== undefined && values.some((value) => value === '*' || wanted.includes(value));

/** True when `rule` grants `get pods/log` for some pod name (maybe only those it names). */
export function grantsPodLogRead(rule: SubjectRule): boolean {
  return matches(rule.verbs, ['get']) && matches(rule.apiGroups, ['']) && matches(rule.resources, ['pods/log', '*/log']);
}

/** The pods whose logs the rules let the caller read in their namespace; names sorted, unique. */
export function readablePodsFromRules(rules: readonly SubjectRule[]): ReadablePods {
  const names = new Set<string>();
  for (const rule of rules.filter(grantsPodLogRead)) {
    if (rule.resourceNames === undefined || rule.resourceNames.length === 0) return '*';
    for (const name of rule.resourceNames) if (name !== '') names.add(name);
  }
  return [...names].sort();
}

/** True when nothing is readable: no pods at all. */
export function isNothing(pods: ReadablePods): boolean {
  return pods !== '*' && pods.length === 0;
}
