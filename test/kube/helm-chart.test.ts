// The Helm chart (k8s/helm/tailgate) through the real helm v3 and the real kube-apiserver: it lints
// strictly and renders with every CI values set, its schema refuses bad values, nothing it renders
// grants a wildcard, every object passes a server-side dry run and then applies in a fresh
// namespace, the agent's identity can read no Secret, and a gateway process running exactly the
// rendered configuration, signed in as the rendered ServiceAccount with the rendered ClusterRole,
// serves a user's pod logs and nobody else's.
import { describe, expect, it } from 'vitest';

import { suffix } from '../cluster/src/fixtures';
import { useDeployTestBed } from './src/deploy-test-bed';
import { ciValuesSets, helmLint, helmTemplate, helmTemplateRun } from './src/helm';
import { type Manifest, wildcardsIn } from './src/rendered-manifests';
import { serviceAccountMay } from './src/service-account-access';

const SCHEMA_ERROR = /values don't meet the specifications of the schema/;

describe('the Helm chart', () => {
  const bed = useDeployTestBed('tg-helm');

  /** Renders `valuesFiles` as a release of its own in a fresh namespace, dry-runs it, applies it (both checked). */
  async function install(valuesFiles: readonly string[]): Promise<{ namespace: string; release: string; manifests: Manifest[] }> {
    // The release name makes every cluster-scoped name (ClusterRole, ClusterRoleBinding) unique to this run.
    const release = `tg-${suffix()}`;
    const installed = await bed.install((namespace) => helmTemplate({ release, namespace, valuesFiles }));
    return { ...installed, release };
  }

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
      const { namespace, release, manifests } = await install([file]);
      expect(wildcardsIn(manifests)).toEqual([]);
      const accounts = await bed.expectNoSecretReads(namespace, manifests, `${release}-tailgate-gateway`);
      const agent = accounts.find((a) => a.endsWith('-agent'));
      if (agent !== undefined) {
        // The agent never calls the apiserver: its identity may not even read pods.
        expect(await serviceAccountMay(bed.ctx.admin, namespace, agent, { verb: 'get', resource: 'pods', namespace })).toBe(false);
      }
    });
  }

  it('runs a gateway with exactly the rendered configuration and role, which serves a user his pod logs and another none', async () => {
    const embedded = ciValuesSets().find((s) => s.name === 'embedded');
    expect(embedded).toBeDefined();
    const { namespace, release, manifests } = await install([embedded!.file]);
    const gw = await bed.expectRenderedGatewayServes(manifests, namespace, `${release}-tailgate-gateway`);
    expect(gw.serviceAccount).toBe(`${release}-tailgate-gateway`);
  });
});
