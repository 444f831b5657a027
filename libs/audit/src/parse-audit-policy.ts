// Reads an audit policy file (YAML or JSON) once, at boot, and either returns a checked Policy or
// throws every problem at once, each with its path (`rules[2].level`) and reason. The checks are
// kube-apiserver's (k8s.io/apiserver/pkg/apis/audit/validation and policy/reader.go), so a file
// the apiserver accepts is accepted here and the other way round, except that unknown fields are
// an error here (see audit-policy.ts).
import { parseDocument } from 'yaml';
import type { z } from 'zod';

import { AUDIT_API_VERSION, AUDIT_LEVELS, AUDIT_STAGES, type AuditStage } from './audit-event';
import {
  auditPolicyDocumentSchema,
  isAuditLevel,
  isAuditStage,
  type AuditGroupResources,
  type AuditPolicy,
  type AuditPolicyRule,
} from './audit-policy';

export interface AuditPolicyProblem {
  /** Where, as `rules[0].resources[1].group`; `''` for the whole file. */
  readonly path: string;
  readonly reason: string;
}

export class AuditPolicyError extends Error {
  readonly code = 'audit_policy_invalid';

  constructor(
    readonly source: string,
    readonly problems: readonly AuditPolicyProblem[],
  ) {
    super(`${source}: ${problems.map((p) => (p.path === '' ? p.reason : `${p.path}: ${p.reason}`)).join('; ')}`);
    this.name = 'AuditPolicyError';
  }
}

type PolicyDocument = z.infer<typeof auditPolicyDocumentSchema>;
type RuleDocument = PolicyDocument['rules'][number];

/** `source` names the file in error messages. */
export function parseAuditPolicy(text: string, source = 'audit policy'): AuditPolicy {
  const yaml = parseDocument(text, { uniqueKeys: true });
  if (yaml.errors.length > 0) {
    throw new AuditPolicyError(
      source,
      yaml.errors.map((error) => ({ path: '', reason: error.message })),
    );
  }
  const parsed = auditPolicyDocumentSchema.safeParse(yaml.toJS());
  if (!parsed.success) {
    throw new AuditPolicyError(
      source,
      parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), reason: issue.message })),
    );
  }
  const problems = validatePolicy(parsed.data);
  if (problems.length > 0) throw new AuditPolicyError(source, problems);
  return toPolicy(parsed.data);
}

function validatePolicy(doc: PolicyDocument): AuditPolicyProblem[] {
  const problems: AuditPolicyProblem[] = [...validateOmitStages(doc.omitStages, 'omitStages')];
  doc.rules.forEach((rule, i) => problems.push(...validateRule(rule, `rules[${i}]`)));
  // reader.go: "loaded illegal policy with 0 rules".
  if (doc.rules.length === 0) problems.push({ path: 'rules', reason: 'a policy needs at least one rule' });
  return problems;
}

function validateRule(rule: RuleDocument, path: string): AuditPolicyProblem[] {
  const problems: AuditPolicyProblem[] = [];
  if (rule.level === undefined || rule.level === '') {
    problems.push({ path: `${path}.level`, reason: 'Required value' });
  } else if (!isAuditLevel(rule.level)) {
    problems.push({ path: `${path}.level`, reason: `Unsupported value "${rule.level}": supported values: ${AUDIT_LEVELS.join(', ')}` });
  }
  (rule.nonResourceURLs ?? []).forEach((url, i) => {
    if (url === '*') return;
    if (!url.startsWith('/')) {
      problems.push({ path: `${path}.nonResourceURLs[${i}]`, reason: "non-resource URL rules must begin with a '/' character" });
    }
    if (url !== '' && url.slice(0, -1).includes('*')) {
      problems.push({
        path: `${path}.nonResourceURLs[${i}]`,
        reason: "non-resource URL wildcards '*' must be the final character of the rule",
      });
    }
  });
  (rule.resources ?? []).forEach((resources, i) => problems.push(...validateGroupResources(resources, `${path}.resources[${i}]`)));
  problems.push(...validateOmitStages(rule.omitStages, `${path}.omitStages`));
  if ((rule.nonResourceURLs ?? []).length > 0 && ((rule.resources ?? []).length > 0 || (rule.namespaces ?? []).length > 0)) {
    problems.push({ path: `${path}.nonResourceURLs`, reason: 'rules cannot apply to both regular resources and non-resource URLs' });
  }
  return problems;
}

// A lowercase RFC 1123 subdomain, at most 253 characters, as the apiserver requires of a group.
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateGroupResources(resources: AuditGroupResources, path: string): AuditPolicyProblem[] {
  const problems: AuditPolicyProblem[] = [];
  const group = resources.group ?? '';
  if (group !== '' && group !== '*' && (group.length > 253 || !DNS_SUBDOMAIN.test(group))) {
    problems.push({ path: `${path}.group`, reason: `"${group}" is not a lowercase RFC 1123 subdomain (an API group, without a version)` });
  }
  if ((resources.resourceNames ?? []).length > 0 && (resources.resources ?? []).length === 0) {
    problems.push({ path: `${path}.resourceNames`, reason: 'using resourceNames requires at least one resource' });
  }
  return problems;
}

function validateOmitStages(stages: readonly string[] | undefined, path: string): AuditPolicyProblem[] {
  return (stages ?? []).flatMap((stage, i) =>
    isAuditStage(stage) ? [] : [{ path: `${path}[${i}]`, reason: `"${stage}": allowed stages are ${AUDIT_STAGES.join(',')}` }],
  );
}

/** The checked document as a Policy, field by field; empty lists are left out. */
function toPolicy(doc: PolicyDocument): AuditPolicy {
  return {
    apiVersion: AUDIT_API_VERSION,
    kind: 'Policy',
    rules: doc.rules.map(toRule),
    ...stages('omitStages', doc.omitStages),
    ...(doc.omitManagedFields === undefined ? {} : { omitManagedFields: doc.omitManagedFields }),
  };
}

function toRule(rule: RuleDocument): AuditPolicyRule {
  const level = rule.level ?? '';
  if (!isAuditLevel(level)) throw new Error(`unreachable: level "${level}" passed validation`);
  return {
    level,
    ...list('users', rule.users),
    ...list('userGroups', rule.userGroups),
    ...list('verbs', rule.verbs),
    ...(rule.resources === undefined || rule.resources.length === 0 ? {} : { resources: rule.resources.map(toGroupResources) }),
    ...list('namespaces', rule.namespaces),
    ...list('nonResourceURLs', rule.nonResourceURLs),
    ...stages('omitStages', rule.omitStages),
    ...(rule.omitManagedFields === undefined ? {} : { omitManagedFields: rule.omitManagedFields }),
  };
}

function toGroupResources(resources: AuditGroupResources): AuditGroupResources {
  return {
    // `''` (the core group) is the same as no group, and the apiserver's encoder leaves it out.
    ...(resources.group === undefined || resources.group === '' ? {} : { group: resources.group }),
    ...list('resources', resources.resources),
    ...list('resourceNames', resources.resourceNames),
  };
}

function list<K extends string>(key: K, values: readonly string[] | undefined): Partial<Record<K, readonly string[]>> {
  const out: Partial<Record<K, readonly string[]>> = {};
  if (values !== undefined && values.length > 0) out[key] = [...values];
  return out;
}

function stages(key: 'omitStages', values: readonly string[] | undefined): { omitStages?: readonly AuditStage[] } {
  const valid = (values ?? []).filter(isAuditStage);
  return valid.length === 0 ? {} : { [key]: valid };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`)).join('');
}
