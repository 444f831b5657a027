// k8s/base and k8s/overlays/* through the real kustomize v5 and the real kube-apiserver: every
// overlay builds, grants no wildcard, passes a server-side dry run and applies in a fresh
// namespace; no identity it creates may read a Secret; and a gateway process running exactly the
// embedded overlay's configuration, signed in as its ServiceAccount with its ClusterRole, serves a
// user's pod logs and nobody else's. That the overlays render the chart's objects is
// kustomize-tree.test.ts's.
import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { suffix } from '../cluster/src/fixtures';
import { useDeployTestBed } from './src/deploy-test-bed';
import { kustomizeBuild, kustomizeBuildIsolated, kustomizeTreeWithSecrets, overlays } from './src/kustomize';
import { type Manifest, wildcardsIn } from './src/rendered-manifests';

describe('the kustomize base and overlays', () => {
  // The secret files a user creates before applying (k8s/overlays/ha/secrets/README.md), each random.
  const k8s = kustomizeTreeWithSecrets(() => randomBytes(48).toString('base64'));
  const bed = useDeployTestBed('tg-kz');

  /** Builds the overlay into a fresh namespace with a name suffix of its own, dry-runs it, applies it (both checked). */
  async function install(dir: string): Promise<{ namespace: string; nameSuffix: string; manifests: Manifest[] }> {
    const nameSuffix = `-${suffix()}`;
    const installed = await bed.install((namespace) => kustomizeBuildIsolated(dir, namespace, nameSuffix));
    return { ...installed, nameSuffix };
  }

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
      await bed.expectNoSecretReads(namespace, manifests, `tailgate-gateway${nameSuffix}`);
    });
  }

  it('embedded: runs a gateway with exactly the rendered configuration and role, which serves a user his pod logs and another none', async () => {
    const embedded = overlays(k8s).find((o) => o.name === 'embedded');
    expect(embedded).toBeDefined();
    const { namespace, nameSuffix, manifests } = await install(embedded!.dir);
    const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name.endsWith(`-gateway${nameSuffix}`));
    expect(deployment).toBeDefined();
    await bed.expectRenderedGatewayServes(manifests, namespace, deployment!.metadata.name);
  });
});
