import { describe, expect, it } from 'vitest';

import { AuditPolicyError, parseAuditPolicy } from './parse-audit-policy';

const VALID = `
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: ["system:kube-proxy"]
  - level: Request
    resources:
      - group: ""
        resources: ["pods/log"]
    namespaces: ["prod"]
  - level: Metadata
    resources:
      - group: logging.banzaicloud.io
        resources: [flows, clusterflows]
        resourceNames: [all]
  - level: Metadata
    nonResourceURLs: ["/logs*"]
    omitStages: [ResponseStarted]
  - level: Metadata
`;

function problemsOf(text: string): { path: string; reason: string }[] {
  try {
    parseAuditPolicy(text, 'policy.yaml');
  } catch (error) {
    if (error instanceof AuditPolicyError) return [...error.problems];
    throw error;
  }
  throw new Error('the policy was accepted');
}

describe('parseAuditPolicy', () => {
  it('reads an apiserver audit policy into the rules, field by field', () => {
    const policy = parseAuditPolicy(VALID);
    expect(policy.omitStages).toEqual(['RequestReceived']);
    expect(policy.rules).toHaveLength(5);
    expect(policy.rules[1]).toEqual({ level: 'Request', resources: [{ resources: ['pods/log'] }], namespaces: ['prod'] });
    expect(policy.rules[2]?.resources).toEqual([
      { group: 'logging.banzaicloud.io', resources: ['flows', 'clusterflows'], resourceNames: ['all'] },
    ]);
    expect(policy.rules[3]).toEqual({ level: 'Metadata', nonResourceURLs: ['/logs*'], omitStages: ['ResponseStarted'] });
  });

  it('accepts JSON, which is YAML too', () => {
    expect(parseAuditPolicy('{"apiVersion":"audit.k8s.io/v1","kind":"Policy","rules":[{"level":"Metadata"}]}').rules).toEqual([
      { level: 'Metadata' },
    ]);
  });

  it('names the file, the path and the reason of every problem at once', () => {
    const text = `
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [Done]
rules:
  - level: Loud
  - users: [alice]
  - level: Metadata
    nonResourceURLs: ["logs", "/a*b"]
    namespaces: [x]
  - level: Metadata
    resources:
      - group: apps/v1
      - resourceNames: [x]
`;
    expect(problemsOf(text)).toEqual([
      { path: 'omitStages[0]', reason: '"Done": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic' },
      { path: 'rules[0].level', reason: 'Unsupported value "Loud": supported values: None, Metadata, Request, RequestResponse' },
      { path: 'rules[1].level', reason: 'Required value' },
      { path: 'rules[2].nonResourceURLs[0]', reason: "non-resource URL rules must begin with a '/' character" },
      { path: 'rules[2].nonResourceURLs[1]', reason: "non-resource URL wildcards '*' must be the final character of the rule" },
      { path: 'rules[2].nonResourceURLs', reason: 'rules cannot apply to both regular resources and non-resource URLs' },
      { path: 'rules[3].resources[0].group', reason: '"apps/v1" is not a lowercase RFC 1123 subdomain (an API group, without a version)' },
      { path: 'rules[3].resources[1].resourceNames', reason: 'using resourceNames requires at least one resource' },
    ]);
    expect(() => parseAuditPolicy(text, 'policy.yaml')).toThrow(/^policy\.yaml: omitStages\[0\]: /);
  });

  it('refuses unknown fields with their path, where the apiserver would only warn', () => {
    const problems = problemsOf('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n    user: [alice]\n');
    expect(problems.map((p) => p.path)).toEqual(['rules[0]']);
    expect(problems[0]?.reason).toContain('"user"');
  });

  it('refuses another apiVersion or kind, a policy without rules, and broken YAML', () => {
    expect(problemsOf('apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules: [{level: None}]\n')[0]?.path).toBe('apiVersion');
    expect(problemsOf('apiVersion: audit.k8s.io/v1\nkind: EventList\nrules: [{level: None}]\n')[0]?.path).toBe('kind');
    expect(problemsOf('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n')).toEqual([
      { path: 'rules', reason: 'a policy needs at least one rule' },
    ]);
    expect(problemsOf('rules: [\n')[0]?.path).toBe('');
    expect(problemsOf('a: 1\na: 2\n')[0]?.reason).toMatch(/unique/i);
  });
});
