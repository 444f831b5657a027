import type { AccessRequest, Subject } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { decide, podLogReview, reviewSpec } from './log-access-review';

const alice: Subject = { user: 'alice', groups: ['devs'], uid: 'u-1', extra: { scopes: ['a'] } };
const target = (namespace: string, pod: string): AccessRequest => ({
  kind: 'target',
  action: 'logs.read',
  subject: alice,
  target: { namespace, pod },
});
const scope = (s: { namespace?: string; pod?: string; node?: string; resource?: 'nodes/log' }): AccessRequest => ({
  kind: 'scope',
  action: 'logs.read',
  subject: alice,
  scope: s,
});
const podLog = { verb: 'get', group: '', version: 'v1', resource: 'pods', subresource: 'log' };
const NO = { allowed: false, denied: false };

describe('podLogReview', () => {
  it('reviews a target by namespace and pod name, decisively', () => {
    expect(podLogReview(target('ns', 'p'))).toEqual({ attempts: [{ ...podLog, namespace: 'ns', name: 'p' }], decisive: true });
  });

  it('reviews scopes by what they name: a pod decisively, a namespace or everything not', () => {
    expect(podLogReview(scope({ namespace: 'ns', pod: 'p' }))).toEqual({
      attempts: [{ ...podLog, namespace: 'ns', name: 'p' }],
      decisive: true,
    });
    expect(podLogReview(scope({ namespace: 'ns' }))).toEqual({ attempts: [{ ...podLog, namespace: 'ns' }], decisive: false });
    expect(podLogReview(scope({}))).toEqual({ attempts: [podLog], decisive: false });
    expect(podLogReview(scope({ pod: 'p', node: 'n' }))).toEqual({ attempts: [podLog], decisive: false });
  });
});

describe("podLogReview of a namespace's Events", () => {
  const events = (action: 'logs.read' | 'targets.list', namespace?: string): AccessRequest => ({
    kind: 'scope',
    action,
    subject: alice,
    scope: namespace === undefined ? { resource: 'events' } : { resource: 'events', namespace },
  });
  const list = (group: string) => ({ verb: 'list', group, resource: 'events', namespace: 'team-a' });

  it('reviews reading them and learning the objects they name as list events, events.k8s.io first, then core, decisively', () => {
    for (const action of ['logs.read', 'targets.list'] as const) {
      expect(podLogReview(events(action, 'team-a'))).toEqual({ attempts: [list('events.k8s.io'), list('')], decisive: true });
    }
    expect(podLogReview(events('logs.read')).attempts.map((a) => a.namespace)).toEqual([undefined, undefined]);
  });

  it('allows on either group and denies with the resource named when neither allows', () => {
    const review = podLogReview(events('logs.read', 'team-a'));
    expect(decide(review, [NO, { allowed: true, denied: false }]).result).toBe('allow');
    expect(decide(review, [NO, NO])).toEqual({ result: 'deny', reason: 'Kubernetes RBAC does not allow list events in namespace team-a' });
  });
});

describe('reviewSpec', () => {
  it('reviews "may it learn target names" as list pods in the namespace, or list nodes, decisively', () => {
    const names = (s: { namespace?: string; resource?: 'nodes/log' }): AccessRequest => ({ ...scope(s), action: 'targets.list' });
    expect(podLogReview(names({ namespace: 'team-a' }))).toEqual({
      attempts: [{ verb: 'list', group: '', version: 'v1', resource: 'pods', namespace: 'team-a' }],
      decisive: true,
    });
    expect(podLogReview(names({ resource: 'nodes/log' }))).toEqual({
      attempts: [{ verb: 'list', group: '', version: 'v1', resource: 'nodes' }],
      decisive: true,
    });
    expect(decide(podLogReview(names({ namespace: 'team-a' })), [NO])).toEqual({
      result: 'deny',
      reason: 'Kubernetes RBAC does not allow list pods in namespace team-a',
    });
  });

  it('carries user, groups, uid and extra', () => {
    expect(reviewSpec(alice, podLog)).toEqual({
      user: 'alice',
      groups: ['devs'],
      uid: 'u-1',
      extra: { scopes: ['a'] },
      resourceAttributes: podLog,
    });
  });

  it('gives nothing to review for a subject without user and groups', () => {
    expect(reviewSpec({ user: '', groups: [] }, podLog)).toBeUndefined();
    expect(reviewSpec({ user: '', groups: ['g'] }, podLog)).toEqual({ user: '', groups: ['g'], resourceAttributes: podLog });
  });
});

describe('decide', () => {
  const pod = podLogReview(target('ns', 'p'));
  const namespace = podLogReview(scope({ namespace: 'ns' }));
  const everything = podLogReview(scope({}));

  it('allows whatever Kubernetes allows', () => {
    for (const review of [pod, namespace, everything])
      expect(decide(review, [{ allowed: true, denied: false }])).toEqual({ result: 'allow' });
  });

  it("keeps the apiserver's reason of an allow (the binding that grants it), for the audit trail", () => {
    const reason = 'RBAC: allowed by RoleBinding "readers/ns" of Role "log-reader" to User "alice"';
    expect(decide(pod, [NO, { allowed: true, denied: false, reason }])).toEqual({ result: 'allow', reason });
  });

  it('denies a single pod that is not allowed, naming it and not the apiserver reason', () => {
    expect(decide(pod, [{ ...NO, reason: 'secret upstream text' }])).toEqual({
      result: 'deny',
      reason: 'Kubernetes RBAC does not allow get pods/log of ns/p',
    });
    expect(decide(pod, undefined)).toEqual({ result: 'deny', reason: 'Kubernetes RBAC does not allow get pods/log of ns/p' });
  });

  it('abstains on a namespace or cluster scope that is merely not allowed', () => {
    expect(decide(namespace, [NO])).toEqual({ result: 'abstain' });
    expect(decide(everything, [NO])).toEqual({ result: 'abstain' });
  });

  it('denies any scope Kubernetes explicitly denies', () => {
    expect(decide(namespace, [{ allowed: false, denied: true }])).toEqual({
      result: 'deny',
      reason: 'Kubernetes explicitly denies get pods/log in namespace ns',
    });
    expect(decide(everything, [{ allowed: false, denied: true }])).toEqual({
      result: 'deny',
      reason: 'Kubernetes explicitly denies get pods/log in all namespaces',
    });
  });
});

describe('node logs', () => {
  const nodeLog = { verb: 'get', group: '', version: 'v1', resource: 'nodes', subresource: 'log' };
  const nodeProxy = { ...nodeLog, subresource: 'proxy' };
  const node: AccessRequest = { kind: 'target', action: 'logs.read', subject: alice, target: { node: 'n1' } };

  it('reviews nodes/log first, then nodes/proxy, for one node decisively', () => {
    expect(podLogReview(node)).toEqual({
      attempts: [
        { ...nodeLog, name: 'n1' },
        { ...nodeProxy, name: 'n1' },
      ],
      decisive: true,
    });
    expect(podLogReview(scope({ resource: 'nodes/log', node: 'n1' })).decisive).toBe(true);
    expect(podLogReview(scope({ resource: 'nodes/log' }))).toEqual({ attempts: [nodeLog, nodeProxy], decisive: false });
  });

  it('allows when either review allows, and names the node when neither does', () => {
    const review = podLogReview(node);
    expect(decide(review, [NO, { allowed: true, denied: false }])).toEqual({ result: 'allow' });
    expect(decide(review, [NO, NO])).toEqual({ result: 'deny', reason: 'Kubernetes RBAC does not allow get nodes/log of node n1' });
    expect(decide(podLogReview(scope({ resource: 'nodes/log' })), [NO, NO])).toEqual({ result: 'abstain' });
  });
});
