import type { AccessRequest, AccessScope, Subject } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { decideSelfReview, selfReview } from './self-review';

const dave: Subject = { user: 'dave', groups: ['system:authenticated'] };
const target = (namespace: string, pod: string): AccessRequest => ({
  kind: 'target',
  action: 'logs.read',
  subject: dave,
  target: { namespace, pod },
});
const scope = (s: AccessScope): AccessRequest => ({ kind: 'scope', action: 'logs.read', subject: dave, scope: s });
const podLog = { verb: 'get', group: '', version: 'v1', resource: 'pods', subresource: 'log' };
const NO = { allowed: false, denied: false };
const asked = (attributes: Record<string, string>, decisive: boolean) => ({ attributes, attempts: [attributes], decisive });

describe('selfReview', () => {
  it('reviews a target pod by namespace and name, decisively', () => {
    expect(selfReview(target('ns', 'p'))).toEqual(asked({ ...podLog, namespace: 'ns', name: 'p' }, true));
  });

  it('reviews a scope naming a pod decisively, a namespace or everything not', () => {
    expect(selfReview(scope({ namespace: 'ns', pod: 'p' }))).toEqual(asked({ ...podLog, namespace: 'ns', name: 'p' }, true));
    expect(selfReview(scope({ namespace: 'ns', labelSelector: 'a=b' }))).toEqual(asked({ ...podLog, namespace: 'ns' }, false));
    expect(selfReview(scope({}))).toEqual(asked(podLog, false));
    expect(selfReview(scope({ pod: 'p' }))).toEqual(asked(podLog, false));
  });

  it("reviews an object's Events as `list events`, events.k8s.io first, decisively", () => {
    const review = selfReview(scope({ resource: 'events', namespace: 'ns' }));
    expect(review?.attempts).toEqual([
      { verb: 'list', group: 'events.k8s.io', resource: 'events', namespace: 'ns' },
      { verb: 'list', group: '', resource: 'events', namespace: 'ns' },
    ]);
    expect(review?.attributes).toEqual(review?.attempts[0]);
    expect(review?.decisive).toBe(true);
  });

  it('leaves node logs alone', () => {
    expect(selfReview(scope({ resource: 'nodes/log', node: 'n' }))).toBeUndefined();
    expect(selfReview({ kind: 'target', action: 'logs.read', subject: dave, target: { node: 'n' } })).toBeUndefined();
  });
});

describe('decideSelfReview', () => {
  const pod = selfReview(target('ns', 'p'))!;
  const namespace = selfReview(scope({ namespace: 'ns' }))!;
  const everything = selfReview(scope({}))!;

  it('allows whatever the kubeconfig user may do', () => {
    for (const review of [pod, namespace, everything])
      expect(decideSelfReview(review, { allowed: true, denied: false })).toEqual({ result: 'allow' });
  });

  it('denies a single pod that is not allowed, naming it and not the apiserver reason', () => {
    expect(decideSelfReview(pod, { ...NO, reason: 'upstream text' })).toEqual({
      result: 'deny',
      reason: 'the kubeconfig user may not get pods/log of ns/p',
    });
  });

  it('abstains on a namespace or all namespaces that are merely not allowed', () => {
    expect(decideSelfReview(namespace, NO)).toEqual({ result: 'abstain' });
    expect(decideSelfReview(everything, NO)).toEqual({ result: 'abstain' });
  });

  it('denies any scope Kubernetes explicitly denies', () => {
    expect(decideSelfReview(namespace, { allowed: false, denied: true })).toEqual({
      result: 'deny',
      reason: 'Kubernetes explicitly denies the kubeconfig user get pods/log in namespace ns',
    });
  });
});
