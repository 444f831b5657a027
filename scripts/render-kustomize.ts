// Writes k8s/base and k8s/overlays (`npm run k8s:kustomize`) from `helm template` of the chart
// with ci/embedded-values.yaml (the base) and ci/ha-values.yaml (the ha overlay's objects and
// patches; its files Secret as a secretGenerator reading k8s/overlays/ha/secrets/, never the
// values): see scripts/deploy/kustomize-tree.ts. Needs helm: $HELM, else the one
// test/cluster/build.sh --k8s-tools builds (~/.cache/tailgate/k8s-tools/<versions>/bin/helm), else PATH.
// test/kube/kustomize-tree.test.ts renders the same with helm and compares it to the files.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import { committedKustomizeTree, K8S_DIR, kustomizeTree, NAMESPACE, RELEASE, TREE_SETS } from './deploy/kustomize-tree';

const CHART = join(K8S_DIR, 'helm', 'tailgate');

function helmBinary(): string {
  const fromEnv = process.env['HELM'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const tools = join(homedir(), '.cache', 'tailgate', 'k8s-tools');
  const built = existsSync(tools)
    ? readdirSync(tools)
        .sort()
        .reverse()
        .map((versions) => join(tools, versions, 'bin', 'helm'))
        .find((file) => existsSync(file))
    : undefined;
  return built ?? 'helm';
}

function helmTemplate(set: string): string {
  const values = join(CHART, 'ci', `${set}-values.yaml`);
  return execFileSync(helmBinary(), ['template', RELEASE, CHART, '--namespace', NAMESPACE, '--values', values], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: homedir() },
    maxBuffer: 64 * 1024 * 1024,
  });
}

const tree = kustomizeTree(helmTemplate(TREE_SETS.base), helmTemplate(TREE_SETS.ha));
for (const stale of committedKustomizeTree().keys()) if (!tree.has(stale)) rmSync(join(K8S_DIR, stale));
for (const [path, text] of tree) {
  mkdirSync(dirname(join(K8S_DIR, path)), { recursive: true });
  writeFileSync(join(K8S_DIR, path), text);
}
