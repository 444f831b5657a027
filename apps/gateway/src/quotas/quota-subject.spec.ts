import { QuotasConfigSchema } from '@tailgate/config';
import { describe, expect, it } from 'vitest';

import { quotaSubjectOf, rateLimitedScopes, tenantOf } from './quota-subject';

const alice = { user: 'alice', groups: ['system:authenticated', 'tenant:payments', 'tenant:other'] };
const robot = { user: 'system:serviceaccount:team-a:viewer', groups: ['tenant:payments'] };

describe('tenantOf', () => {
  it('takes the rest of the first group with the prefix', () => {
    expect(tenantOf(alice, { kind: 'group-prefix', prefix: 'tenant:' })).toBe('payments');
    expect(tenantOf({ user: 'bob', groups: ['tenant:'] }, { kind: 'group-prefix', prefix: 'tenant:' })).toBeUndefined();
    expect(tenantOf({ user: 'bob', groups: [] }, { kind: 'group-prefix', prefix: 'tenant:' })).toBeUndefined();
  });

  it("takes a service account's namespace, and nothing from other users", () => {
    expect(tenantOf(robot, { kind: 'service-account-namespace' })).toBe('team-a');
    expect(tenantOf(alice, { kind: 'service-account-namespace' })).toBeUndefined();
    expect(tenantOf({ user: 'system:serviceaccount:a:b:c', groups: [] }, { kind: 'service-account-namespace' })).toBeUndefined();
  });

  it('finds none when told to', () => {
    expect(tenantOf(alice, { kind: 'none' })).toBeUndefined();
  });
});

describe('quotaSubjectOf', () => {
  it('limits a user by default as the README says, and nobody per tenant', () => {
    const subject = quotaSubjectOf(alice, QuotasConfigSchema.parse({ tenantFrom: { kind: 'group-prefix', prefix: 'tenant:' } }));
    expect(subject.scopes).toHaveLength(1);
    expect(subject.scopes[0]?.kind).toBe('user');
    expect(subject.scopes[0]?.key).toMatch(/^user:[0-9a-f]{16}$/);
    expect(subject.scopes[0]?.limits).toEqual({ maxSubscriptions: 100, maxStreams: 50, rate: { perMinute: 60, burst: 60 } });
  });

  it('puts the user and the tenant under the tenant hash tag, with keys that name no one', () => {
    const config = QuotasConfigSchema.parse({ tenantFrom: { kind: 'group-prefix', prefix: 'tenant:' }, tenant: { maxStreams: 7 } });
    const subject = quotaSubjectOf(alice, config);
    expect(subject.scopes.map((s) => s.kind)).toEqual(['user', 'tenant']);
    expect(subject.scopes[1]).toEqual({ kind: 'tenant', key: `tenant:${subject.tag}`, limits: { maxStreams: 7 } });
    expect(quotaSubjectOf({ user: 'bob', groups: ['tenant:payments'] }, config).tag).toBe(subject.tag);
    expect(JSON.stringify(subject)).not.toMatch(/alice|payments/);
    expect(quotaSubjectOf({ user: 'carol', groups: [] }, config).scopes).toHaveLength(1);
  });

  it('applies the limits of named users and tenants over the defaults', () => {
    const config = QuotasConfigSchema.parse({
      tenantFrom: { kind: 'service-account-namespace' },
      users: { [robot.user]: { maxSubscriptions: 5, subscribesPerMinute: 600 } },
      tenants: { 'team-a': { subscribesPerMinute: 30, subscribeBurst: 5 } },
    });
    const subject = quotaSubjectOf(robot, config);
    expect(subject.scopes.map((s) => s.limits)).toEqual([
      { maxSubscriptions: 5, maxStreams: 50, rate: { perMinute: 600, burst: 600 } },
      { rate: { perMinute: 30, burst: 5 } },
    ]);
    expect(rateLimitedScopes(subject).map(({ scope, rate }) => [scope.kind, rate.perMinute])).toEqual([
      ['user', 600],
      ['tenant', 30],
    ]);
  });
});
