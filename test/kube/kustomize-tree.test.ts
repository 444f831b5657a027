// k8s/base and k8s/overlays against the real helm and kustomize: the committed files are what
// `npm run k8s:kustomize` writes from `helm template` of the chart today, and `kustomize build` of
// each overlay gives exactly the objects `helm template` renders with its values set (without
// Helm's bookkeeping labels, plus the base's Namespace) once the secret files the ha overlay's
// secretGenerator reads hold what the values set puts in the Secret (kustomize writes them as
// `data`, helm as `stringData`).
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  committedKustomizeTree,
  kustomizeTree,
  NAMESPACE,
  RELEASE,
  renderedObjects,
  TREE_SETS,
  USER_SECRETS,
} from '../../scripts/deploy/kustomize-tree';
import { CHART_DIR, helmTemplateRun } from './src/helm';
import { k8sTools, runTool } from './src/k8s-tools';
import { kustomizeTreeWithSecrets } from './src/kustomize';

async function helmRender(set: string): Promise<string> {
  const run = await helmTemplateRun({ release: RELEASE, namespace: NAMESPACE, valuesFiles: [join(CHART_DIR, 'ci', `${set}-values.yaml`)] });
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}

const byId = (objects: { apiVersion: string; kind: string; metadata: { name: string } }[]) =>
  new Map(objects.map((o) => [`${o.apiVersion}/${o.kind}/${o.metadata.name}`, o]));

/** A Secret the overlay generates, as kustomize writes it: `stringData` as base64 `data`. */
function withDataOnly<T extends { kind: string; metadata: { name: string } }>(object: T): T {
  const { stringData, ...rest } = object as T & { stringData?: Record<string, string>; data?: Record<string, string> };
  if (object.kind !== 'Secret' || !USER_SECRETS.has(object.metadata.name) || stringData === undefined) return object;
  const encoded = Object.fromEntries(Object.entries(stringData).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
  return { ...rest, data: { ...rest.data, ...encoded } } as unknown as T;
}

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
    const fromHelm = byId(renderedObjects(await helmRender(set)).map(withDataOnly));
    const files = fromHelm.get('v1/Secret/tailgate-files') as { data?: Record<string, string> } | undefined;
    const k8s = kustomizeTreeWithSecrets((key) => Buffer.from(files?.data?.[key] ?? '', 'base64').toString());
    const built = await runTool(k8sTools().kustomize, ['build', join(k8s, 'overlays', overlay)]);
    expect(built.code, built.stderr).toBe(0);
    const fromKustomize = byId(renderedObjects(built.stdout).filter((o) => o.kind !== 'Namespace'));
    expect([...fromKustomize.keys()].sort()).toEqual([...fromHelm.keys()].sort());
    for (const [id, object] of fromHelm) expect(fromKustomize.get(id), id).toEqual(object);
  });
});
