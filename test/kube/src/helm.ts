// The chart in k8s/helm/tailgate through the real helm binary (built by test/cluster/build.sh):
// lint, template and the values sets its CI renders (ci/*-values.yaml).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { k8sTools, runTool, type ToolRun } from './k8s-tools';
import { type Manifest, parseManifests } from './rendered-manifests';

export const CHART_DIR = join(__dirname, '../../../k8s/helm/tailgate');

/** The chart's CI values sets, by name (`embedded` for ci/embedded-values.yaml). */
export function ciValuesSets(): { name: string; file: string }[] {
  return readdirSync(join(CHART_DIR, 'ci'))
    .filter((f) => f.endsWith('-values.yaml'))
    .sort()
    .map((f) => ({ name: f.slice(0, -'-values.yaml'.length), file: join(CHART_DIR, 'ci', f) }));
}

export interface HelmRender {
  readonly release: string;
  readonly namespace: string;
  readonly valuesFiles?: readonly string[];
  /** `--set` pairs, e.g. `nameOverride=x`. */
  readonly set?: readonly string[];
}

const renderArgs = (r: HelmRender): string[] => [
  ...(r.valuesFiles ?? []).flatMap((f) => ['--values', f]),
  ...(r.set ?? []).flatMap((s) => ['--set', s]),
];

export function helmLint(r: Omit<HelmRender, 'release'>): Promise<ToolRun> {
  return runTool(k8sTools().helm, ['lint', CHART_DIR, '--strict', '--namespace', r.namespace, ...renderArgs({ ...r, release: 'lint' })]);
}

/** `helm template` as the raw run, for tests of what it refuses. */
export function helmTemplateRun(r: HelmRender): Promise<ToolRun> {
  return runTool(k8sTools().helm, ['template', r.release, CHART_DIR, '--namespace', r.namespace, ...renderArgs(r)]);
}

/** `helm template`, parsed; throws with helm's message when it refuses. */
export async function helmTemplate(r: HelmRender): Promise<Manifest[]> {
  const run = await helmTemplateRun(r);
  if (run.code !== 0) throw new Error(`helm template ${r.release} failed (${run.code}): ${run.stderr}`);
  return parseManifests(run.stdout);
}
