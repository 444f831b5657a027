// SubjectAccessReview and TokenReview answered by the real apiserver, for static-token users
// and for ServiceAccount tokens from the TokenRequest API alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceAccount, user } from './src/fixtures';
import type { KubeClient } from './src/kube-client';
import type { ResourceAttributes, SubjectAccessReviewStatus, TokenReviewStatus } from './src/kube-types';
import { connectToTestCluster, type ClusterTestContext } from './src/test-context';

let ctx: ClusterTestContext;
let ns: string;
let gateway: KubeClient;
let saToken: string;

interface ReviewSubject {
  readonly user: string;
  readonly groups?: readonly string[];
}

async function accessReview(subject: ReviewSubject, attributes: ResourceAttributes): Promise<SubjectAccessReviewStatus> {
  const review = await gateway.create<{ status: SubjectAccessReviewStatus }>('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user: subject.user, groups: subject.groups ?? [], resourceAttributes: attributes },
  });
  return review.status;
}

async function tokenReview(token: string, audiences?: readonly string[]): Promise<TokenReviewStatus> {
  const review = await gateway.create<{ status: TokenReviewStatus }>('/apis/authentication.k8s.io/v1/tokenreviews', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token, ...(audiences === undefined ? {} : { audiences }) },
  });
  return review.status;
}

const podLogIn = (namespace: string, name: string): ResourceAttributes => ({
  namespace,
  verb: 'get',
  group: '',
  resource: 'pods',
  subresource: 'log',
  name,
});

beforeAll(async () => {
  ctx = await connectToTestCluster('node-reviews');
  ns = await ctx.fixtures.namespace('reviews');
  // The product's own identity reviews tokens and access, as a real deployment's would.
  await ctx.fixtures.clusterRoleBinding(`tailgate-gateway-delegator-${ns}`, 'system:auth-delegator', [user('tailgate-gateway')]);
  gateway = ctx.as('tailgate-gateway');
  await ctx.fixtures.createServiceAccount(ns, 'log-reader');
  await ctx.fixtures.grant(
    ns,
    'log-reader',
    [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }],
    [user('alice'), serviceAccount(ns, 'log-reader')],
  );
  saToken = await ctx.fixtures.serviceAccountToken(ns, 'log-reader');
});

afterAll(async () => {
  await ctx?.stop();
});

describe('SubjectAccessReview', () => {
  it('allows a static user with a RoleBinding and denies one without', async () => {
    expect((await accessReview({ user: 'alice', groups: ['devs', 'qa'] }, podLogIn(ns, 'any'))).allowed).toBe(true);
    const bob = await accessReview({ user: 'bob', groups: ['ops'] }, podLogIn(ns, 'any'));
    expect(bob.allowed).toBe(false);
    expect(bob.denied).toBeUndefined();
  });

  it('allows a ServiceAccount bound by a ServiceAccount subject', async () => {
    const sa = { user: `system:serviceaccount:${ns}:log-reader`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`] };
    expect((await accessReview(sa, podLogIn(ns, 'any'))).allowed).toBe(true);
    expect((await accessReview(sa, { ...podLogIn(ns, 'any'), verb: 'delete', subresource: '' })).allowed).toBe(false);
  });

  it('is refused to a caller without system:auth-delegator', async () => {
    const res = await ctx.as('dave').raw('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: 'alice', resourceAttributes: podLogIn(ns, 'x') },
      },
    });
    expect(res.status).toBe(403);
  });

  it('rejects a review with neither user nor groups as invalid', async () => {
    const res = await gateway.raw('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { resourceAttributes: podLogIn(ns, 'x') } },
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('at least one of user or group must be specified');
  });
});

describe('TokenReview', () => {
  it('authenticates a static token with its user, uid and groups', async () => {
    const alice = ctx.cluster.users['alice'];
    const status = await tokenReview(alice?.token ?? '');
    expect(status.authenticated).toBe(true);
    expect(status.user?.username).toBe('alice');
    expect(status.user?.uid).toBe(alice?.uid);
    expect(status.user?.groups).toEqual(expect.arrayContaining(['devs', 'qa', 'system:authenticated']));
  });

  it('authenticates a TokenRequest ServiceAccount token with the ServiceAccount groups', async () => {
    const status = await tokenReview(saToken);
    expect(status.authenticated).toBe(true);
    expect(status.user?.username).toBe(`system:serviceaccount:${ns}:log-reader`);
    expect(status.user?.groups).toEqual(
      expect.arrayContaining(['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated']),
    );
  });

  it('checks ServiceAccount token audiences against the requested ones', async () => {
    const forTailgate = await ctx.fixtures.serviceAccountToken(ns, 'log-reader', { audiences: ['tailgate'] });
    const matching = await tokenReview(forTailgate, ['tailgate']);
    expect(matching.authenticated).toBe(true);
    expect(matching.audiences).toEqual(['tailgate']);
    // An unauthenticated review omits `authenticated` (omitempty) and says why in `error`.
    const defaultAudience = await tokenReview(forTailgate);
    expect(defaultAudience.authenticated).toBeUndefined();
    expect(defaultAudience.error).toContain('token audiences ["tailgate"] is invalid for the target audiences');
  });

  it('does not accept a static token for an audience outside --api-audiences', async () => {
    const status = await tokenReview(ctx.cluster.users['alice']?.token ?? '', ['tailgate']);
    expect(status.authenticated).toBeUndefined();
    expect(status.error).toBe('invalid bearer token');
  });

  it('does not authenticate an unknown token', async () => {
    const status = await tokenReview('definitely-not-a-token');
    expect(status.authenticated).toBeUndefined();
    expect(status.error).toBe('invalid bearer token');
    expect(status.user?.username ?? '').toBe('');
  });

  it('lets the reviewed ServiceAccount token itself read the logs it was granted', async () => {
    await ctx.fixtures.pod(ns, 'sa-visible');
    ctx.kubelet.container(ns, 'sa-visible', 'app').write('seen by the service account');
    const res = await ctx.admin.as(saToken).raw('GET', `/api/v1/namespaces/${ns}/pods/sa-visible/log`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('seen by the service account\n');
  });
});
