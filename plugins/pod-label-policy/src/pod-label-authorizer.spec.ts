import { type AccessRequest, type PodMetadata, type PodMetadataService, podMetadataServiceRef, type Subject } from '@tailgate/plugin-sdk';
import { describeAuthorizer, registerForTest } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import { podLabelPolicyPlugin } from './plugin';

const pods: PodMetadata[] = [
  { namespace: 'acme', name: 'open', labels: { 'rbac/policy': 'allow' } },
  { namespace: 'acme', name: 'closed', labels: { 'rbac/policy': 'deny', 'rbac/acme_alice': 'allow' } },
  { namespace: 'acme', name: 'bare', labels: {} },
];
const directory: PodMetadataService = {
  get: (namespace, name) => Promise.resolve(pods.find((p) => p.namespace === namespace && p.name === name)),
};
const alice: Subject = { user: 'system:serviceaccount:acme:alice', groups: [] };
const bob: Subject = { user: 'system:serviceaccount:acme:bob', groups: [] };
const target = (subject: Subject, pod: string): AccessRequest => ({
  kind: 'target',
  subject,
  action: 'logs.read',
  target: { namespace: 'acme', pod },
});

async function fixture() {
  const { authorizers } = await registerForTest(podLabelPolicyPlugin, {}, { [podMetadataServiceRef.id]: directory });
  return {
    authorizer: authorizers[0]!,
    cases: [
      { name: 'policy allow', request: target(bob, 'open'), expected: 'allow' as const },
      { name: 'own label beats policy deny', request: target(alice, 'closed'), expected: 'allow' as const },
      { name: 'policy deny', request: target(bob, 'closed'), expected: 'deny' as const },
      { name: 'no labels', request: target(bob, 'bare'), expected: 'deny' as const },
      { name: 'unknown pod', request: target(bob, 'ghost'), expected: 'deny' as const },
      {
        name: 'namespace scope: judged per pod',
        request: { kind: 'scope', subject: bob, action: 'logs.read', scope: { namespace: 'acme' } } as const,
        expected: 'abstain' as const,
      },
      {
        name: 'single-pod scope: judged now',
        request: { kind: 'scope', subject: bob, action: 'logs.read', scope: { namespace: 'acme', pod: 'closed' } } as const,
        expected: 'deny' as const,
      },
    ],
  };
}

describeAuthorizer('pod-label-policy', fixture);

describe('pod-label-policy', () => {
  it('cannot start without a pod metadata service', async () => {
    await expect(registerForTest(podLabelPolicyPlugin, {})).rejects.toThrow(/core\.pod-metadata/);
  });

  it('reads labels from the metadata service at decision time, so a label change takes effect', async () => {
    const labels: Record<string, string> = { 'rbac/policy': 'allow' };
    const live: PodMetadataService = { get: () => Promise.resolve({ namespace: 'acme', name: 'p', labels: { ...labels } }) };
    const { authorizers } = await registerForTest(podLabelPolicyPlugin, {}, { [podMetadataServiceRef.id]: live });
    const ctx = { signal: new AbortController().signal, logger: console };
    expect((await authorizers[0]!.authorize(target(bob, 'p'), ctx)).result).toBe('allow');
    labels['rbac/policy'] = 'deny';
    expect((await authorizers[0]!.authorize(target(bob, 'p'), ctx)).result).toBe('deny');
  });
});
