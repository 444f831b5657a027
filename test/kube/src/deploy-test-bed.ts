// What the chart and the kustomize suites do alike: connect to the test apiserver, install the
// Prometheus operator's CRDs once, render a release into a fresh namespace (dry-run, then apply,
// both checked), check that no identity it creates may read a Secret, and run the rendered gateway
// to serve a user his pod logs and another none. Gateways started here are stopped after the suite.
import { afterAll, beforeAll, expect } from 'vitest';

import { suffix } from '../../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../../cluster/src/test-context';
import { ManifestApplier } from './apply-manifests';
import { startRenderedGateway } from './rendered-gateway';
import type { Manifest } from './rendered-manifests';
import { CREATE_TOKEN_REVIEWS, secretReadsAllowed, serviceAccountMay } from './service-account-access';
import { servePodLogsThrough } from './user-pod-logs';

export interface DeployTestBed {
  readonly ctx: ClusterTestContext;
  /** Renders into a fresh namespace (`render` gets its name), dry-runs and applies the objects. */
  install(render: (namespace: string) => Promise<Manifest[]>): Promise<{ namespace: string; manifests: Manifest[] }>;
  /**
   * The ServiceAccounts the objects create (at least one), none of which may read a Secret; the
   * gateway's may create TokenReviews (so the refusals are RBAC's answer, not a broken review).
   */
  expectNoSecretReads(namespace: string, manifests: readonly Manifest[], gatewayAccount: string): Promise<string[]>;
  /** Runs the gateway of `deployment` as rendered; it serves a user his pod's line and another user nothing. */
  expectRenderedGatewayServes(manifests: readonly Manifest[], namespace: string, deployment: string): Promise<{ serviceAccount: string }>;
}

/** Registers the suite's hooks; call inside `describe`. */
export function useDeployTestBed(name: string): DeployTestBed {
  let ctx: ClusterTestContext | undefined;
  let applier: ManifestApplier | undefined;
  const stops: (() => Promise<void>)[] = [];
  const ready = (): { ctx: ClusterTestContext; applier: ManifestApplier } => {
    if (!ctx || !applier) throw new Error('the deploy test bed is used before its beforeAll ran');
    return { ctx, applier };
  };
  const cluster = (): ClusterTestContext => ready().ctx;

  beforeAll(async () => {
    ctx = await connectToTestCluster(`${name}-${suffix()}`);
    applier = new ManifestApplier(ctx.admin);
    await applier.installPrometheusOperatorCrds();
  });

  afterAll(async () => {
    for (const stop of stops) await stop();
    await applier?.cleanup();
    await ctx?.stop();
  });

  return {
    get ctx() {
      return cluster();
    },
    async install(render) {
      const bed = ready();
      const namespace = await bed.ctx.fixtures.namespace(name);
      const manifests = await render(namespace);
      await bed.applier.install(manifests, namespace);
      return { namespace, manifests };
    },
    async expectNoSecretReads(namespace, manifests, gatewayAccount) {
      const { admin } = cluster();
      const accounts = manifests.filter((m) => m.kind === 'ServiceAccount').map((m) => m.metadata.name);
      expect(accounts.length).toBeGreaterThan(0);
      for (const account of accounts) expect(await secretReadsAllowed(admin, namespace, account), account).toEqual([]);
      expect(accounts).toContain(gatewayAccount);
      expect(await serviceAccountMay(admin, namespace, gatewayAccount, CREATE_TOKEN_REVIEWS)).toBe(true);
      return accounts;
    },
    async expectRenderedGatewayServes(manifests, namespace, deployment) {
      const gw = await startRenderedGateway(cluster(), manifests, namespace, deployment);
      stops.push(async () => {
        gw.process.kill('SIGTERM');
        await gw.process.exited;
      });
      const seen = await servePodLogsThrough(cluster(), gw.process.url);
      expect(seen.granted.filter((l) => l.startsWith('served by the deployed gateway'))).toHaveLength(1);
      expect(seen.ungranted).toEqual({ lines: [], hiddenPods: 1, denied: 0 });
      return { serviceAccount: gw.serviceAccount };
    },
  };
}
