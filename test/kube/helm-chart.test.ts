// The Helm chart (k8s/helm/tailgate) through the real helm v3 and the real kube-apiserver: it lints
// strictly and renders with every CI values set, its schema refuses bad values, nothing it renders
// grants a wildcard, every object passes a server-side dry run and then applies in a fresh
// namespace, the agent's identity can read no Secret, and a gateway process running exactly the
// rendered configuration, signed in as the rendered ServiceAccount with the rendered ClusterRole,
// serves a user's pod logs and nobody else's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { suffix } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { ManifestApplier } from './src/apply-manifests';
import { ciValuesSets, helmLint, helmTemplate, helmTemplateRun } from './src/helm';
import { type RenderedGateway, startRenderedGateway } from './src/rendered-gateway';
import { type Manifest, wildcardsIn } from './src/rendered-manifests';
import { CREATE_TOKEN_REVIEWS, secretReadsAllowed, serviceAccountMay } from './src/service-account-access';
import { servePodLogsThrough } from './src/user-pod-logs';

const SCHEMA_ERROR = /values don't meet the specifications of the schema/;

describe('the Helm chart', () => {
  let ctx: ClusterTestContext;
  let applier: ManifestApplier;
  const gateways: RenderedGateway[] = [];

  /** Renders `valuesFiles` as a release of its own in a fresh namespace, dry-runs it, applies it (both checked). */
  async function install(valuesFiles: readonly string[]): Promise<{ namespace: string; release: string; manifests: Manifest[] }> {
    const namespace = await ctx.fixtures.namespace('tg-helm');
    // The release name makes every cluster-scoped name (ClusterRole, ClusterRoleBinding) unique to this run.
    const release = `tg-${suffix()}`;
    const manifests = await helmTemplate({ release, namespace, valuesFiles });
    await applier.install(manifests, namespace);
    return { namespace, release, manifests };
  }

  beforeAll(async () => {
    ctx = await connectToTestCluster(`tg-helm-${suffix()}`);
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

  it('has CI values sets, and passes helm lint --strict with each and with the defaults', async () => {
    const sets = ciValuesSets();
    expect(sets.length).toBeGreaterThan(0);
    for (const valuesFiles of [[], ...sets.map((s) => [s.file])]) {
      const lint = await helmLint({ namespace: 'tailgate', valuesFiles });
      expect(lint.code, `${valuesFiles.join(' ')}: ${lint.stdout}${lint.stderr}`).toBe(0);
      expect(lint.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
  });

  it('refuses, by its values.schema.json, a value of the wrong type and a key it does not know', async () => {
    const refusals = {
      'gateway.replicas=many': /gateway\.replicas|replicas/,
      'gateway.notAValue=1': /notAValue/,
      'notATopLevelValue=1': /notATopLevelValue/,
    };
    for (const [set, names] of Object.entries(refusals)) {
      const run = await helmTemplateRun({ release: 'schema', namespace: 'tailgate', set: [set] });
      expect(run.code, `--set ${set}`).not.toBe(0);
      expect(run.stderr, `--set ${set}`).toMatch(SCHEMA_ERROR);
      expect(run.stderr, `--set ${set}`).toMatch(names);
      expect(run.stdout).toBe('');
    }
    // The same values without the bad one render: the refusals above are the schema's, not the chart's.
    expect((await helmTemplateRun({ release: 'schema', namespace: 'tailgate', set: ['gateway.replicas=1'] })).code).toBe(0);
  });

  it('renders, across its CI values sets, the optional kinds too (Prometheus Operator, Ingress, HPA, PDB, the agent DaemonSet)', async () => {
    const kinds = new Set<string>();
    for (const { file } of ciValuesSets()) {
      for (const m of await helmTemplate({ release: 'kinds', namespace: 'tailgate', valuesFiles: [file] })) kinds.add(m.kind);
    }
    // So the dry runs and applies below meet each of them (the monitoring kinds through test/fixtures/k8s CRDs).
    expect([...kinds]).toEqual(
      expect.arrayContaining([
        'ServiceMonitor',
        'PrometheusRule',
        'Ingress',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'DaemonSet',
        'NetworkPolicy',
        'Secret',
      ]),
    );
  });

  for (const { name, file } of ciValuesSets()) {
    it(`${name}: grants no wildcard, passes a server-side dry run, applies in a fresh namespace, and gives no identity Secrets`, async () => {
      const { namespace, manifests } = await install([file]);
      expect(wildcardsIn(manifests)).toEqual([]);
      const accounts = manifests.filter((m) => m.kind === 'ServiceAccount').map((m) => m.metadata.name);
      expect(accounts.length).toBeGreaterThan(0);
      for (const account of accounts) expect(await secretReadsAllowed(ctx.admin, namespace, account), account).toEqual([]);
      // The same review says yes to what the rendered ClusterRoleBinding grants: the refusals above are RBAC's answer.
      const gateway = accounts.find((a) => a.endsWith('-gateway'))!;
      expect(await serviceAccountMay(ctx.admin, namespace, gateway, CREATE_TOKEN_REVIEWS)).toBe(true);
      const agent = accounts.find((a) => a.endsWith('-agent'));
      if (agent !== undefined) {
        // The agent never calls the apiserver: its identity may not even read pods.
        expect(await serviceAccountMay(ctx.admin, namespace, agent, { verb: 'get', resource: 'pods', namespace })).toBe(false);
      }
    });
  }

  it('runs a gateway with exactly the rendered configuration and role, which serves a user his pod logs and another none', async () => {
    const embedded = ciValuesSets().find((s) => s.name === 'embedded');
    expect(embedded).toBeDefined();
    const { namespace, release, manifests } = await install([embedded!.file]);
    const gw = await startRenderedGateway(ctx, manifests, namespace, `${release}-tailgate-gateway`);
    gateways.push(gw);
    expect(gw.serviceAccount).toBe(`${release}-tailgate-gateway`);
    const seen = await servePodLogsThrough(ctx, gw.process.url);
    expect(seen.granted.filter((l) => l.startsWith('served by the deployed gateway'))).toHaveLength(1);
    expect(seen.ungranted).toEqual({ lines: [], hiddenPods: 1, denied: 0 });
  });
});
