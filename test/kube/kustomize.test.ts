// k8s/base and k8s/overlays/* through the real kustomize v5 and the real kube-apiserver: every
// overlay builds, grants no wildcard, passes a server-side dry run and applies in a fresh
// namespace; no identity it creates may read a Secret; and a gateway process running exactly the
// embedded overlay's configuration, signed in as its ServiceAccount with its ClusterRole, serves a
// user's pod logs and nobody else's. That the overlays render the chart's objects is
// kustomize-tree.test.ts's.
import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { suffix } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { ManifestApplier } from './src/apply-manifests';
import { kustomizeBuild, kustomizeBuildIsolated, kustomizeTreeWithSecrets, overlays } from './src/kustomize';
import { type RenderedGateway, startRenderedGateway } from './src/rendered-gateway';
import { type Manifest, wildcardsIn } from './src/rendered-manifests';
import { CREATE_TOKEN_REVIEWS, secretReadsAllowed, serviceAccountMay } from './src/service-account-access';
import { servePodLogsThrough } from './src/user-pod-logs';

describe('the kustomize base and overlays', () => {
  // The secret files a user creates before applying (k8s/overlays/ha/secrets/README.md), each random.
  const k8s = kustomizeTreeWithSecrets(() => randomBytes(48).toString('base64'));
  let ctx: ClusterTestContext;
  let applier: ManifestApplier;
  const gateways: RenderedGateway[] = [];

  /** Builds the overlay into a fresh namespace with a name suffix of its own, dry-runs it, applies it (both checked). */
  async function install(dir: string): Promise<{ namespace: string; nameSuffix: string; manifests: Manifest[] }> {
    const namespace = await ctx.fixtures.namespace('tg-kz');
    const nameSuffix = `-${suffix()}`;
    const manifests = await kustomizeBuildIsolated(dir, namespace, nameSuffix);
    await applier.install(manifests, namespace);
    return { namespace, nameSuffix, manifests };
  }

  beforeAll(async () => {
    ctx = await connectToTestCluster(`tg-kz-${suffix()}`);
    applier = new ManifestApplier(ctx.admin);
    await applier.installPrometheusOperatorCrds();
  });

  afterAll(async () => {
    for (const gw of gateways) {
      gw.process.kill('SIGTERM');
      await gw.process.exited;
    }
    await applier?.cleanup();
    await ctx?.stop();
  });

  it('builds the base and every overlay, none granting a wildcard', async () => {
    const names = overlays(k8s).map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(['embedded', 'ha']));
    for (const dir of [`${k8s}/base`, ...overlays(k8s).map((o) => o.dir)]) {
      const manifests = await kustomizeBuild(dir);
      expect(manifests.length, dir).toBeGreaterThan(0);
      expect(wildcardsIn(manifests), dir).toEqual([]);
    }
  });

  it('ha: does not build without the secret files the user creates', async () => {
    const unprepared = kustomizeTreeWithSecrets(undefined);
    await expect(kustomizeBuild(`${unprepared}/overlays/ha`)).rejects.toThrow(/secrets\/agent-session-secret/);
  });

  for (const { name, dir } of overlays(k8s)) {
    it(`${name}: passes a server-side dry run, applies in a fresh namespace, and gives no identity Secrets`, async () => {
      const { namespace, nameSuffix, manifests } = await install(dir);
      const accounts = manifests.filter((m) => m.kind === 'ServiceAccount').map((m) => m.metadata.name);
      expect(accounts.length).toBeGreaterThan(0);
      for (const account of accounts) expect(await secretReadsAllowed(ctx.admin, namespace, account), account).toEqual([]);
      const gateway = `tailgate-gateway${nameSuffix}`;
      expect(accounts).toContain(gateway);
      expect(await serviceAccountMay(ctx.admin, namespace, gateway, CREATE_TOKEN_REVIEWS)).toBe(true);
    });
  }

  it('embedded: runs a gateway with exactly the rendered configuration and role, which serves a user his pod logs and another none', async () => {
    const embedded = overlays(k8s).find((o) => o.name === 'embedded');
    expect(embedded).toBeDefined();
    const { namespace, nameSuffix, manifests } = await install(embedded!.dir);
    const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name.endsWith(`-gateway${nameSuffix}`));
    expect(deployment).toBeDefined();
    const gw = await startRenderedGateway(ctx, manifests, namespace, deployment!.metadata.name);
    gateways.push(gw);
    const seen = await servePodLogsThrough(ctx, gw.process.url);
    expect(seen.granted.filter((l) => l.startsWith('served by the deployed gateway'))).toHaveLength(1);
    expect(seen.ungranted).toEqual({ lines: [], hiddenPods: 1, denied: 0 });
  });
});
