import type { AccessReviewStatus, ResourceAttributes } from '@tailgate/kube';
import { type AccessRequest, silentLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { SelfAccessReviewAuthorizer } from './self-access-review-authorizer';
import { SelfIdentity } from './self-identity';

const dave = { user: 'dave', groups: ['system:authenticated'] };
const eventsOf = (namespace: string): AccessRequest => ({
  kind: 'scope',
  action: 'logs.read',
  subject: dave,
  scope: { resource: 'events', namespace },
});
const ctx = { signal: new AbortController().signal, logger: silentLogger };

/** Answers `list events` per API group as RBAC would for a user granted in `grantedGroups`. */
function authorizer(grantedGroups: readonly string[], deniedGroups: readonly string[] = []) {
  const asked: ResourceAttributes[] = [];
  const kube = {
    selfSubjectAccessReview: (attributes: ResourceAttributes): Promise<AccessReviewStatus> => {
      asked.push(attributes);
      const group = attributes.group ?? '';
      return Promise.resolve({ allowed: grantedGroups.includes(group), denied: deniedGroups.includes(group) });
    },
  };
  const identity = new SelfIdentity({ selfSubjectReview: () => Promise.resolve({ username: 'dave', groups: dave.groups }) });
  return { asked, authorizer: new SelfAccessReviewAuthorizer(kube, identity, 'deny') };
}

describe('SelfAccessReviewAuthorizer on Events', () => {
  it('allows `list events` granted in the core group after events.k8s.io said no', async () => {
    const { asked, authorizer: self } = authorizer(['']);
    expect(await self.authorize(eventsOf('team-a'), ctx)).toEqual({ result: 'allow' });
    expect(asked.map((a) => a.group)).toEqual(['events.k8s.io', '']);
  });

  it('asks once when events.k8s.io allows', async () => {
    const { asked, authorizer: self } = authorizer(['events.k8s.io']);
    expect(await self.authorize(eventsOf('team-a'), ctx)).toEqual({ result: 'allow' });
    expect(asked).toHaveLength(1);
  });

  it('denies when neither group grants it, and stops at an explicit denial', async () => {
    expect((await authorizer([]).authorizer.authorize(eventsOf('team-a'), ctx)).result).toBe('deny');
    const { asked, authorizer: self } = authorizer([''], ['events.k8s.io']);
    expect((await self.authorize(eventsOf('team-a'), ctx)).result).toBe('deny');
    expect(asked).toHaveLength(1);
  });
});
