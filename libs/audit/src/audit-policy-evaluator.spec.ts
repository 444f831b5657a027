// Each case mirrors a behaviour of k8s.io/apiserver/pkg/audit/policy/checker.go (v0.36); the
// comment names the branch it exercises.
import { describe, expect, it } from 'vitest';

import type { AuditPolicy, AuditPolicyRule } from './audit-policy';
import { auditAttributesOf, createAuditPolicyEvaluator, type AuditAttributes } from './audit-policy-evaluator';
import { sampleDrafts } from './testing/audit-samples';

const podLog: AuditAttributes = {
  user: { username: 'alice', groups: ['developers'] },
  verb: 'get',
  resource: { apiGroup: '', resource: 'pods', subresource: 'log', namespace: 'team-a', name: 'web-0' },
  path: '/api/v1/namespaces/team-a/pods/web-0/log',
};
const anonymous: AuditAttributes = { verb: 'get', path: '/logs' };

function levelOf(rules: AuditPolicyRule[], attrs: AuditAttributes, omitStages?: AuditPolicy['omitStages']): string {
  return createAuditPolicyEvaluator({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules, ...(omitStages ? { omitStages } : {}) })(attrs)
    .level;
}

describe('audit policy evaluation (the apiserver checker)', () => {
  it('records nothing when no rule matches (DefaultAuditLevel = None)', () => {
    expect(levelOf([{ level: 'Metadata', users: ['bob'] }], podLog)).toBe('None');
  });

  it('takes the first matching rule, not the loudest', () => {
    expect(levelOf([{ level: 'None', users: ['alice'] }, { level: 'RequestResponse' }], podLog)).toBe('None');
    expect(levelOf([{ level: 'Request', verbs: ['get'] }, { level: 'None' }], podLog)).toBe('Request');
  });

  it('matches users by name and userGroups by any group; neither matches a request without a user', () => {
    expect(levelOf([{ level: 'Metadata', users: ['alice'] }], podLog)).toBe('Metadata');
    expect(levelOf([{ level: 'Metadata', userGroups: ['ops', 'developers'] }], podLog)).toBe('Metadata');
    expect(levelOf([{ level: 'Metadata', userGroups: ['ops'] }], podLog)).toBe('None');
    expect(levelOf([{ level: 'Metadata', users: ['alice'] }], anonymous)).toBe('None');
    expect(levelOf([{ level: 'Metadata', userGroups: ['system:unauthenticated'] }], anonymous)).toBe('None');
    expect(levelOf([{ level: 'Metadata' }], anonymous)).toBe('Metadata');
  });

  it('needs "pods/log" (resource/subresource) to match a subresource; "pods" alone does not', () => {
    expect(levelOf([{ level: 'Metadata', resources: [{ group: '', resources: ['pods'] }] }], podLog)).toBe('None');
    expect(levelOf([{ level: 'Metadata', resources: [{ group: '', resources: ['pods/log'] }] }], podLog)).toBe('Metadata');
    expect(levelOf([{ level: 'Metadata', resources: [{ resources: ['pods/log'] }] }], podLog)).toBe('Metadata');
  });

  it('understands "*", "*/log" and "pods/*" (which, as in the apiserver, also matches pods itself)', () => {
    expect(levelOf([{ level: 'Request', resources: [{ group: '', resources: ['*'] }] }], podLog)).toBe('Request');
    expect(levelOf([{ level: 'Request', resources: [{ group: '', resources: ['*/log'] }] }], podLog)).toBe('Request');
    expect(levelOf([{ level: 'Request', resources: [{ group: '', resources: ['pods/*'] }] }], podLog)).toBe('Request');
    const pods = { ...podLog, resource: { ...podLog.resource!, subresource: '' } };
    expect(levelOf([{ level: 'Request', resources: [{ group: '', resources: ['pods/*'] }] }], pods)).toBe('Request');
    expect(levelOf([{ level: 'Request', resources: [{ group: '', resources: ['*/log'] }] }], pods)).toBe('None');
  });

  it('matches the group exactly or by "*"; a group with no resources matches all of its resources', () => {
    const flow: AuditAttributes = {
      ...podLog,
      resource: { apiGroup: 'logging.banzaicloud.io', resource: 'flows', subresource: '', namespace: 'a', name: 'f' },
    };
    expect(levelOf([{ level: 'Metadata', resources: [{ group: '' }] }], flow)).toBe('None');
    expect(levelOf([{ level: 'Metadata', resources: [{ group: 'logging.banzaicloud.io' }] }], flow)).toBe('Metadata');
    expect(levelOf([{ level: 'Metadata', resources: [{ group: '*', resources: ['flows'] }] }], flow)).toBe('Metadata');
  });

  it('limits by resourceNames when given', () => {
    const rule = (names: string[]): AuditPolicyRule => ({
      level: 'Metadata',
      resources: [{ group: '', resources: ['pods/log'], resourceNames: names }],
    });
    expect(levelOf([rule(['web-0'])], podLog)).toBe('Metadata');
    expect(levelOf([rule(['db-0'])], podLog)).toBe('None');
  });

  it('matches namespaces; "" stands for cluster-scoped resources; a non-resource request never matches them', () => {
    const node: AuditAttributes = {
      ...podLog,
      resource: { apiGroup: '', resource: 'nodes', subresource: 'log', namespace: '', name: 'n' },
    };
    expect(levelOf([{ level: 'Metadata', namespaces: ['team-a'] }], podLog)).toBe('Metadata');
    expect(levelOf([{ level: 'Metadata', namespaces: ['team-b'] }], podLog)).toBe('None');
    expect(levelOf([{ level: 'Metadata', namespaces: [''] }], node)).toBe('Metadata');
    expect(levelOf([{ level: 'Metadata', namespaces: ['team-a'] }], anonymous)).toBe('None');
  });

  it('matches nonResourceURLs only for requests without an object, exactly, by "*" or by a trailing-* prefix', () => {
    expect(levelOf([{ level: 'Metadata', nonResourceURLs: ['/logs'] }], anonymous)).toBe('Metadata');
    expect(levelOf([{ level: 'Metadata', nonResourceURLs: ['/lo*'] }], anonymous)).toBe('Metadata');
    expect(levelOf([{ level: 'Metadata', nonResourceURLs: ['*'] }], anonymous)).toBe('Metadata');
    expect(levelOf([{ level: 'Metadata', nonResourceURLs: ['/metrics'] }], anonymous)).toBe('None');
    expect(levelOf([{ level: 'Metadata', nonResourceURLs: ['*'] }], podLog)).toBe('None');
  });

  it("gives each rule the union of its omitStages and the policy's; the default keeps the policy's", () => {
    const evaluate = createAuditPolicyEvaluator({
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      omitStages: ['RequestReceived'],
      rules: [{ level: 'Metadata', users: ['alice'], omitStages: ['ResponseStarted', 'RequestReceived'] }],
    });
    expect([...evaluate(podLog).omitStages].sort()).toEqual(['RequestReceived', 'ResponseStarted']);
    expect(evaluate(anonymous)).toEqual({ level: 'None', omitStages: ['RequestReceived'] });
  });

  it('reads the attributes of an event as the apiserver reads a request', () => {
    const [authFailed, subscribe] = sampleDrafts();
    expect(auditAttributesOf(authFailed!)).toEqual({ verb: 'get', path: '/logs' });
    expect(auditAttributesOf(subscribe!)).toEqual({
      user: { username: 'alice', groups: ['developers', 'system:authenticated'] },
      verb: 'get',
      resource: { apiGroup: '', resource: 'pods', subresource: 'log', namespace: 'team-a', name: 'web-0' },
      path: '/api/v1/namespaces/team-a/pods/web-0/log',
    });
  });
});
