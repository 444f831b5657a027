// k8s/base and k8s/overlays against the real helm and kustomize: the committed files are what
// `npm run k8s:kustomize` writes from `helm template` of the chart today, and `kustomize build` of
// each overlay gives exactly the objects `helm template` renders with its values set (without
// Helm's bookkeeping labels, plus the base's Namespace).
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  committedKustomizeTree,
  K8S_DIR,
  kustomizeTree,
  NAMESPACE,
  RELEASE,
  renderedObjects,
  TREE_SETS,
} from '../../scripts/deploy/kustomize-tree';
import { CHART_DIR, helmTemplateRun } from './src/helm';
import { k8sTools, runTool } from './src/k8s-tools';

async function helmRender(set: string): Promise<string> {
  const run = await helmTemplateRun({ release: RELEASE, namespace: NAMESPACE, valuesFiles: [join(CHART_DIR, 'ci', `${set}-values.yaml`)] });
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}

const byId = (objects: { apiVersion: string; kind: string; metadata: { name: string } }[]) =>
  new Map(objects.map((o) => [`${o.apiVersion}/${o.kind}/${o.metadata.name}`, o]));

describe('k8s/base and k8s/overlays', () => {
  it('are what npm run k8s:kustomize generates from the chart now', async () => {
    const generated = kustomizeTree(await helmRender(TREE_SETS.base), await helmRender(TREE_SETS.ha));
    expect([...committedKustomizeTree().keys()]).toEqual([...generated.keys()]);
    for (const [path, text] of generated) expect(committedKustomizeTree().get(path), path).toBe(text);
  });

  it.each([
    ['embedded', TREE_SETS.base],
    ['ha', TREE_SETS.ha],
  ])('kustomize build overlays/%s gives the objects helm template renders with values set %s', async (overlay, set) => {
    const built = await runTool(k8sTools().kustomize, ['build', join(K8S_DIR, 'overlays', overlay)]);
    expect(built.code, built.stderr).toBe(0);
    const fromKustomize = byId(renderedObjects(built.stdout).filter((o) => o.kind !== 'Namespace'));
    const fromHelm = byId(renderedObjects(await helmRender(set)));
    expect([...fromKustomize.keys()].sort()).toEqual([...fromHelm.keys()].sort());
    for (const [id, object] of fromHelm) expect(fromKustomize.get(id), id).toEqual(object);
  });
});
