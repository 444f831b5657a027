// The web UI's picker on the real apiserver: `GET /api/v1/sources/<id>/scope` offers a signed-in
// user exactly the namespaces and pods Kubernetes RBAC lets them read — found by the gateway's own
// pod watch and judged by the same SubjectAccessReviews as their subscriptions — so a
// namespace-only user gets their namespace and never a cluster-scope refusal, a user limited to
// one pod by `resourceNames` gets that pod, and nothing of anything else is in the answer.
import type { ReadableScopeBody } from '@tailgate/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningGateway } from '../../apps/gateway/src/start-gateway';
import { serviceAccount, suffix } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { startClusterGateway } from './src/cluster-gateway';
import { grantGatewayIdentity, grantPodLogsSource } from './src/gateway-kube';

const SOURCE = 'kube-pod-logs.pods';

describe('the readable-scope endpoint on the real apiserver', () => {
  let ctx: ClusterTestContext;
  let gateway: RunningGateway;
  let readable: string;
  let other: string;
  let apiPod: string;
  const tokens: Record<'viewer' | 'picky' | 'stranger', string> = { viewer: '', picky: '', stranger: '' };

  beforeAll(async () => {
    ctx = await connectToTestCluster(`tg-scope-${suffix()}`);
    await grantGatewayIdentity(ctx);
    await grantPodLogsSource(ctx);
    readable = await ctx.fixtures.namespace('tg-scope');
    other = await ctx.fixtures.namespace('tg-scope-other');
    const api = await ctx.fixtures.deployment(readable, 'api', { labels: { app: 'api' } });
    apiPod = api.pods[0]!.metadata.name;
    await ctx.fixtures.pod(readable, 'solo', { labels: { app: 'solo' }, containers: ['app', 'sidecar'] });
    await ctx.fixtures.pod(other, 'vault', { labels: { app: 'vault-secret-label' } });
    // Fresh identities: nothing granted to them by other suites on the shared apiserver.
    for (const name of ['viewer', 'picky', 'stranger'] as const) {
      await ctx.fixtures.createServiceAccount(readable, name);
      tokens[name] = await ctx.fixtures.serviceAccountToken(readable, name);
    }
    await ctx.fixtures.grant(
      readable,
      'viewer-logs',
      [
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      ],
      [serviceAccount(readable, 'viewer')],
    );
    await ctx.fixtures.grant(
      readable,
      'picky-logs',
      [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'], resourceNames: ['solo'] }],
      [serviceAccount(readable, 'picky')],
    );
    gateway = await startClusterGateway(ctx, { podMetadata: { kind: 'kubernetes' }, plugins: { 'kube-pod-logs': {} } });
  });

  afterAll(async () => {
    await gateway?.close();
    await ctx?.stop();
  });

  const scope = (token?: string): Promise<Response> =>
    fetch(`${gateway.url}/api/v1/sources/${SOURCE}/scope`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

  /** The answer once the gateway's pod watch holds this suite's pods (it starts with a list). */
  async function scopeOf(token: string): Promise<ReadableScopeBody> {
    const response = await scope(token);
    expect(response.status).toBe(200);
    return (await response.json()) as ReadableScopeBody;
  }

  it('offers a namespace-only user their namespace and its pods, with the workload and containers, and nothing else', async () => {
    const body = await scopeOf(tokens.viewer);
    expect(body.source).toBe(SOURCE);
    expect(body.namespaces).toEqual([readable]);
    expect(body.truncated).toBe(false);
    expect(body.pods).toEqual(
      [
        {
          namespace: readable,
          name: apiPod,
          labels: expect.objectContaining({ app: 'api' }) as unknown,
          workload: { kind: 'Deployment', name: 'api' },
          containers: ['app'],
        },
        { namespace: readable, name: 'solo', labels: { app: 'solo' }, containers: ['app', 'sidecar'] },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );
    const text = JSON.stringify(body);
    for (const secret of [other, 'vault', 'vault-secret-label']) expect(text).not.toContain(secret);
  });

  it('offers a user limited to one pod by resourceNames that pod only', async () => {
    const body = await scopeOf(tokens.picky);
    expect(body.namespaces).toEqual([readable]);
    expect(body.pods.map((pod) => pod.name)).toEqual(['solo']);
    expect(JSON.stringify(body)).not.toContain(apiPod);
  });

  it('offers a user with no rights nothing at all, not an error', async () => {
    const body = await scopeOf(tokens.stranger);
    expect(body).toEqual({ source: SOURCE, namespaces: [], pods: [], truncated: false });
  });

  it('refuses a request without a valid token with 401 and says nothing of the cluster', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const response = await scope(token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ code: 'unauthenticated' });
      for (const name of [readable, other, 'solo', 'vault']) expect(text).not.toContain(name);
    }
  });
});
