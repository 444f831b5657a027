import { describe, expect, it } from 'vitest';

import { evaluateLabels, subjectKey, subjectLabel } from './label-policy';

const SA = 'system:serviceaccount:acme:alice';

describe('subjectKey', () => {
  it.each([
    [SA, 'acme_alice'],
    ['kubernetes-admin', 'kubernetes-admin'],
    ['alice', 'alice'],
    ['alice.smith', 'alice.smith'],
  ])('maps %s to %s', (user, key) => expect(subjectKey(user)).toBe(key));

  it.each(['system:admin', 'oidc:alice', 'x:y:alice', 'a:b:c:d:e', 'acme_alice', 'system:serviceaccount:acme:a:b'])(
    'gives %s no key: it cannot be told from another identity',
    (user) => expect(subjectKey(user)).toBeUndefined(),
  );

  it('never gives two distinct identities one key', () => {
    const users = ['alice', 'oidc:alice', 'x:y:alice', 'system:alice', SA, 'acme_alice', 'system:serviceaccount:acme_x:alice', 'ACME'];
    const keys = users.map(subjectKey).filter((key) => key !== undefined);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(['alice', 'acme_alice', 'ACME']);
  });

  it('has no label for names that cannot form a label key', () => {
    expect(subjectLabel('alice@example.com')).toBeUndefined();
    expect(subjectLabel('x'.repeat(64))).toBeUndefined();
    expect(subjectLabel('-leading-dash')).toBeUndefined();
    expect(subjectLabel('alice')).toBe('rbac/alice');
  });
});

describe('evaluateLabels: the log-socket decision table', () => {
  it.each<[string, Record<string, string>, string, boolean]>([
    ['no labels', {}, SA, false],
    ['own label allow', { 'rbac/acme_alice': 'allow' }, SA, true],
    ['own deny beats policy allow', { 'rbac/acme_alice': 'deny', 'rbac/policy': 'allow' }, SA, false],
    ['policy allow', { 'rbac/policy': 'allow' }, SA, true],
    ['own allow beats policy deny', { 'rbac/policy': 'deny', 'rbac/acme_alice': 'allow' }, SA, true],
    ['invalid own value is ignored, default deny', { 'rbac/acme_alice': 'Allow' }, SA, false],
    ['invalid own value falls through to policy', { 'rbac/acme_alice': 'yes', 'rbac/policy': 'allow' }, SA, true],
    ["another subject's label", { 'rbac/default_bob': 'allow' }, SA, false],
    ['plain user label', { 'rbac/alice': 'allow' }, 'alice', true],
    ['unlabelable user: only the policy applies', { 'rbac/policy': 'allow' }, 'alice@example.com', true],
    ['unlabelable user, policy deny', { 'rbac/policy': 'deny' }, 'alice@example.com', false],
  ])('%s', (_, labels, user, allowed) => {
    expect(evaluateLabels(labels, user).allowed).toBe(allowed);
  });

  it('names the label that denied', () => {
    expect(evaluateLabels({ 'rbac/acme_alice': 'deny' }, SA)).toEqual({
      allowed: false,
      by: 'rbac/acme_alice',
      reason: 'pod label rbac/acme_alice is deny',
    });
  });
});
