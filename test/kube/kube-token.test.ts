// kube-token against the real apiserver: static users and ServiceAccount tokens, audiences,
// refusals that never repeat the token, caching bounded by TTL and expiry, error mapping.
import { type KubeApi } from '@tailgate/kube';
import { type AuthenticationResult, silentLogger } from '@tailgate/plugin-sdk';
import { describeAuthenticator, registerForTest } from '@tailgate/plugin-sdk/testing';
import { kubeTokenPlugin, TokenReviewAuthenticator } from '@tailgate/plugin-kube-token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectToTestCluster, type ClusterTestContext } from '../cluster/src/test-context';
import { countingKubeApi, gatewayKube, grantGatewayIdentity } from './src/gateway-kube';

let ctx: ClusterTestContext;
let api: KubeApi;
let ns: string;
let saToken: string;
let otherAudienceToken: string;

const authCtx = () => ({ signal: new AbortController().signal, logger: silentLogger });
const settings = { audiences: [], cacheTtlMs: 60_000, failureCacheTtlMs: 5_000, maxCachedTokens: 100 };
const staticToken = (name: string): string => ctx.cluster.users[name]!.token;

beforeAll(async () => {
  ctx = await connectToTestCluster('node-kube-token');
  await grantGatewayIdentity(ctx);
  api = (await gatewayKube(ctx)).api;
  ns = await ctx.fixtures.namespace('kube-token');
  await ctx.fixtures.createServiceAccount(ns, 'reader');
  saToken = await ctx.fixtures.serviceAccountToken(ns, 'reader');
  otherAudienceToken = await ctx.fixtures.serviceAccountToken(ns, 'reader', { audiences: ['tailgate-other'] });
});

afterAll(async () => {
  await ctx?.stop();
});

async function authenticatorFor(config: object = {}, kube: KubeApi = api) {
  const { authenticators } = await registerForTest(kubeTokenPlugin, config, { 'core.kube': kube });
  return authenticators[0]!;
}

describeAuthenticator('kube-token', async () => ({
  authenticator: await authenticatorFor(),
  valid: { token: staticToken('alice'), user: 'alice' },
  invalidTokens: [otherAudienceToken, 'a.b.c', `${saToken.split('.').slice(0, 2).join('.')}.forged`],
}));

describe('kube-token authenticator', () => {
  it('gives a static user its uid and groups, system:authenticated included', async () => {
    const result = await (await authenticatorFor()).authenticate({ token: staticToken('alice') }, authCtx());
    expect(result).toEqual({
      ok: true,
      subject: { user: 'alice', uid: ctx.cluster.users['alice']!.uid, groups: ['devs', 'qa', 'system:authenticated'] },
    });
  });

  it('gives a ServiceAccount token its identity and the JWT exp as expiresAt', async () => {
    const result = await (await authenticatorFor()).authenticate({ token: saToken }, authCtx());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.subject.user).toBe(`system:serviceaccount:${ns}:reader`);
    expect(result.subject.groups).toEqual(
      expect.arrayContaining(['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated']),
    );
    expect(result.subject.uid).toMatch(/^[0-9a-f-]{36}$/);
    const exp = JSON.parse(Buffer.from(saToken.split('.')[1]!, 'base64url').toString()) as { exp: number };
    expect(result.expiresAt?.getTime()).toBe(exp.exp * 1000);
  });

  it('refuses a token for another audience unless that audience is configured', async () => {
    const refused = await (await authenticatorFor()).authenticate({ token: otherAudienceToken }, authCtx());
    expect(refused).toEqual({ ok: false, reason: 'kube-apiserver did not authenticate the token' });
    const accepted = await (
      await authenticatorFor({ audiences: ['tailgate-other'] })
    ).authenticate({ token: otherAudienceToken }, authCtx());
    expect(accepted.ok && accepted.subject.user).toBe(`system:serviceaccount:${ns}:reader`);
    const apiAudienceOnly = await (await authenticatorFor({ audiences: ['tailgate-other'] })).authenticate({ token: saToken }, authCtx());
    expect(apiAudienceOnly.ok).toBe(false);
  });

  it('refuses malformed tokens with a reason that does not repeat them', async () => {
    const authenticator = await authenticatorFor();
    for (const token of ['not-a-jwt-at-all', 'eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.c2ln', `${saToken}tampered`]) {
      const result = await authenticator.authenticate({ token }, authCtx());
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toContain(token.slice(0, 20));
    }
  });

  it('reuses an answer until its TTL, then sees that the ServiceAccount was deleted', async () => {
    await ctx.fixtures.createServiceAccount(ns, 'short-lived');
    const token = await ctx.fixtures.serviceAccountToken(ns, 'short-lived');
    let now = Date.now();
    const counting = countingKubeApi(api);
    const authenticator = new TokenReviewAuthenticator(counting, { ...settings, cacheTtlMs: 1_000 }, () => now);
    expect((await authenticator.authenticate({ token }, authCtx())).ok).toBe(true);
    await ctx.admin.delete(`/api/v1/namespaces/${ns}/serviceaccounts/short-lived`);
    await expect.poll(async () => (await api.tokenReview(token)).authenticated, { timeout: 20_000, interval: 250 }).toBe(false); // the apiserver caches token answers ~10 s
    expect((await authenticator.authenticate({ token }, authCtx())).ok, 'answered from the cache within the TTL').toBe(true);
    expect(counting.tokenReviews).toBe(1);
    now += 1_001;
    expect(await authenticator.authenticate({ token }, authCtx())).toEqual({
      ok: false,
      reason: 'kube-apiserver did not authenticate the token',
    });
    expect(counting.tokenReviews).toBe(2);
  });

  it('reviews a refused token once per failure TTL and coalesces concurrent reviews', async () => {
    let now = Date.now();
    const counting = countingKubeApi(api);
    const authenticator = new TokenReviewAuthenticator(counting, settings, () => now);
    const results = await Promise.all(Array.from({ length: 5 }, () => authenticator.authenticate({ token: 'refused-token' }, authCtx())));
    expect(results.every((r: AuthenticationResult) => !r.ok)).toBe(true);
    expect(counting.tokenReviews).toBe(1);
    now += settings.failureCacheTtlMs + 1;
    await authenticator.authenticate({ token: 'refused-token' }, authCtx());
    expect(counting.tokenReviews).toBe(2);
  });
});

describe('kube-token errors', () => {
  it('throws forbidden, without the token, when the gateway may not create TokenReviews', async () => {
    const dave = (await gatewayKube(ctx, { as: 'dave' })).api;
    const authenticator = await authenticatorFor({}, dave);
    const error = await authenticator.authenticate({ token: staticToken('alice') }, authCtx()).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'forbidden',
      message: 'kube-apiserver answered 403 to POST /apis/authentication.k8s.io/v1/tokenreviews',
    });
    expect(JSON.stringify(error) + String(error)).not.toContain(staticToken('alice'));
  });

  it('throws upstream_unavailable when the apiserver cannot be reached, and caches nothing', async () => {
    const { createKubeServices } = await import('@tailgate/kube');
    const down = await createKubeServices({
      connection: { mode: 'explicit', server: 'https://127.0.0.1:1', token: 'gateway-secret' },
      requestTimeoutMs: 2_000,
      podMetadata: { namespaces: [], initialSyncTimeoutMs: 1_000, watchTimeoutSeconds: 300 },
    });
    const counting = countingKubeApi(down.api);
    const authenticator = new TokenReviewAuthenticator(counting, settings);
    for (let i = 0; i < 2; i++) {
      const error = await authenticator.authenticate({ token: 'user-secret' }, authCtx()).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'upstream_unavailable', message: expect.stringMatching(/ECONNREFUSED/) as unknown });
      expect(String(error)).not.toMatch(/secret/);
    }
    expect(counting.tokenReviews).toBe(2);
  });
});
