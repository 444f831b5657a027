import type { AccessRequest, RecordView, Subject } from '@tailgate/plugin-sdk';
import { describeAuthorizer, registerForTest } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import { namespaceAllowlistPlugin } from './plugin';

const config = {
  rules: [
    { groups: ['team-a'], namespaces: ['team-a', 'shared-*'] },
    { users: ['root'], namespaces: ['*'] },
  ],
};
const alice: Subject = { user: 'alice', groups: ['team-a'] };
const bob: Subject = { user: 'bob', groups: ['team-b'] };
const root: Subject = { user: 'root', groups: [] };
const target = (subject: Subject, namespace: string): AccessRequest => ({
  kind: 'target',
  subject,
  action: 'logs.read',
  target: { namespace, pod: 'p' },
});
const scope = (subject: Subject, namespace?: string): AccessRequest => ({
  kind: 'scope',
  subject,
  action: 'logs.read',
  scope: namespace === undefined ? {} : { namespace },
});

const nodeTarget = (subject: Subject): AccessRequest => ({ kind: 'target', subject, action: 'logs.read', target: { node: 'n1' } });

async function fixture() {
  const registered = await registerForTest(namespaceAllowlistPlugin, config);
  return {
    authorizer: registered.authorizers[0]!,
    recordRules: new Map(registered.recordRules.map((rule) => [`namespace-allowlist.${rule.name}`, rule])),
    cases: [
      { name: 'group member, listed namespace', request: target(alice, 'team-a'), expected: 'allow' as const },
      { name: 'group member, prefix pattern', request: target(alice, 'shared-metrics'), expected: 'allow' as const },
      { name: 'group member, other namespace', request: target(alice, 'team-b'), expected: 'deny' as const },
      { name: 'unlisted subject', request: target(bob, 'team-a'), expected: 'deny' as const },
      { name: 'wildcard user', request: target(root, 'kube-system'), expected: 'allow' as const },
      { name: 'scope in a listed namespace', request: scope(alice, 'team-a'), expected: 'allow' as const },
      { name: 'all-namespace scope, some allowed', request: scope(alice), expected: 'conditional' as const },
      { name: 'all-namespace scope, none allowed', request: scope(bob), expected: 'deny' as const },
      { name: 'all-namespace scope, wildcard', request: scope(root), expected: 'allow' as const },
      { name: 'node logs, wildcard user', request: nodeTarget(root), expected: 'allow' as const },
      { name: 'node logs, namespace-limited user', request: nodeTarget(alice), expected: 'deny' as const },
      {
        name: 'node-log scope, namespace-limited user',
        request: { kind: 'scope', subject: alice, action: 'logs.read', scope: { resource: 'nodes/log', node: 'n1' } } as const,
        expected: 'deny' as const,
      },
    ],
  };
}

describeAuthorizer('namespace-allowlist', fixture);

describe('namespace-allowlist', () => {
  it('limits an all-namespace scope by a record rule over the allowed namespaces', async () => {
    const { authorizer, recordRules } = await fixture();
    const decision = await authorizer.authorize(scope(alice), { signal: new AbortController().signal, logger: console });
    if (decision.result !== 'conditional') throw new Error('expected a conditional decision');
    const [condition] = decision.conditions;
    const rule = recordRules.get(condition!.rule)!;
    const record = (ns: string): RecordView => ({ ts: '2026-01-01T00:00:00Z', ns, pod: 'p', container: 'c', stream: 'stdout', line: 'x' });
    expect(rule.test(record('team-a'), condition!.params)).toBe(true);
    expect(rule.test(record('shared-x'), condition!.params)).toBe(true);
    expect(rule.test(record('team-b'), condition!.params)).toBe(false);
  });

  it('refuses rules without a subject and malformed namespace patterns', async () => {
    await expect(registerForTest(namespaceAllowlistPlugin, { rules: [{ namespaces: ['a'] }] })).rejects.toThrow(
      /at least one user or group/,
    );
    await expect(registerForTest(namespaceAllowlistPlugin, { rules: [{ users: ['a'], namespaces: ['Bad_NS'] }] })).rejects.toThrow();
  });
});
