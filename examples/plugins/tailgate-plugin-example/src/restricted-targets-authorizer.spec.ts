import type { AccessRequest, Subject } from '@tailgate/plugin-sdk';
import { describeAuthorizer, registerForTest } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import examplePlugin from './index';

const settings = {
  directory: '/var/log/example',
  restricted: [
    { targets: 'payments/api', groups: ['payments', 'sre'] },
    { targets: 'payments/.*', groups: ['payments'] },
  ],
};

const payments: Subject = { user: 'alice', groups: ['payments'] };
const sre: Subject = { user: 'bob', groups: ['sre', 'dev'] };
const dev: Subject = { user: 'carol', groups: ['dev'] };
const target = (subject: Subject, namespace: string, pod: string): AccessRequest => ({
  kind: 'target',
  action: 'logs.read',
  subject,
  target: { namespace, pod },
});
const scope = (subject: Subject, namespace?: string, pod?: string): AccessRequest => ({
  kind: 'scope',
  action: 'logs.read',
  subject,
  scope: { ...(namespace && { namespace }), ...(pod && { pod }) },
});

async function restricted() {
  const { authorizers } = await registerForTest(examplePlugin, settings);
  const [authorizer] = authorizers;
  if (!authorizer) throw new Error('the example registers no authorizer');
  return authorizer;
}

describeAuthorizer('example.restricted', async () => ({
  authorizer: await restricted(),
  cases: [
    { name: 'a member of every rule naming the target', request: target(payments, 'payments', 'api'), expected: 'allow' },
    { name: 'a member of one rule of two naming it', request: target(sre, 'payments', 'api'), expected: 'deny' },
    { name: 'a member of no rule naming it', request: target(dev, 'payments', 'ledger'), expected: 'deny' },
    { name: 'a subscription naming the pod', request: scope(dev, 'payments', 'api'), expected: 'deny' },
    { name: 'a target no rule names', request: target(dev, 'web', 'frontend'), expected: 'abstain' },
    { name: 'a pattern matches in full only', request: target(dev, 'payments-staging', 'api'), expected: 'abstain' },
    { name: 'a whole namespace is judged pod by pod', request: scope(dev, 'payments'), expected: 'abstain' },
    {
      name: 'a node’s own logs',
      request: { kind: 'scope', action: 'logs.read', subject: dev, scope: { resource: 'nodes/log', node: 'n1' } },
      expected: 'abstain',
    },
    { name: 'listing targets', request: { ...target(dev, 'payments', 'api'), action: 'targets.list' }, expected: 'abstain' },
  ],
}));

describe('the example plugin', () => {
  it('registers its source and its authorizer', async () => {
    const registered = await registerForTest(examplePlugin, settings);
    expect(registered.sources.map((s) => s.name)).toEqual(['files']);
    expect(registered.authorizers.map((a) => a.name)).toEqual(['restricted']);
  });

  it('refuses settings it cannot honour: a relative directory, an unsafe or missing pattern, no groups', () => {
    const bad = [
      { directory: 'logs' },
      { directory: '/x', restricted: [{ targets: '(a+)+', groups: ['g'] }] },
      { directory: '/x', restricted: [{ groups: ['g'] }] },
      { directory: '/x', restricted: [{ targets: 'a', groups: [] }] },
      { directory: '/x', unknown: true },
    ];
    for (const config of bad) expect(examplePlugin.configSchema.safeParse(config).success, JSON.stringify(config)).toBe(false);
  });
});
