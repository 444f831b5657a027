// k8s/base and k8s/overlays/* through the real kustomize binary (built by test/cluster/build.sh).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

import { parse } from 'yaml';

import { k8sTools, runTool } from './k8s-tools';
import { type Manifest, parseManifests } from './rendered-manifests';

export const KUSTOMIZE_DIR = join(__dirname, '../../../k8s');

/** Every overlay directory under <k8s>/overlays, by name. */
export function overlays(k8s: string = KUSTOMIZE_DIR): { name: string; dir: string }[] {
  const root = join(k8s, 'overlays');
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, dir: join(root, e.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `kustomize build <dir>`, parsed; throws with kustomize's message when it refuses. */
export async function kustomizeBuild(dir: string): Promise<Manifest[]> {
  const run = await runTool(k8sTools().kustomize, ['build', dir]);
  if (run.code !== 0) throw new Error(`kustomize build ${dir} failed (${run.code}): ${run.stderr}`);
  return parseManifests(run.stdout);
}

/**
 * Builds `dir` as a resource of a kustomization of our own that only sets `namespace` and a name
 * suffix, as a user would to install it twice: kustomize renames every object and every reference
 * to it (roleRef, subjects, serviceAccountName, volumes), so a test run's cluster-scoped objects
 * and namespace are its own, and everything else is what the overlay renders.
 */
export async function kustomizeBuildIsolated(dir: string, namespace: string, nameSuffix: string): Promise<Manifest[]> {
  const wrapper = mkdtempSync(join(tmpdir(), 'tailgate-kustomize-'));
  // kustomize takes no absolute path for a directory resource.
  writeFileSync(
    join(wrapper, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `namespace: ${JSON.stringify(namespace)}`,
      `nameSuffix: ${JSON.stringify(nameSuffix)}`,
      'resources:',
      `  - ${relative(wrapper, dir)}`,
      '',
    ].join('\n'),
  );
  return kustomizeBuild(wrapper);
}

/**
 * A copy of k8s/base and k8s/overlays with every file an overlay's secretGenerator reads written,
 * `valueOf(key)` each, as a user creates them before `kubectl apply -k` (git has none of them, so
 * the tree does not build as committed) — or, without `valueOf`, with none of them (whatever this
 * checkout holds). Returns the copy's k8s directory.
 */
export function kustomizeTreeWithSecrets(valueOf: ((key: string) => string) | undefined): string {
  const copy = mkdtempSync(join(tmpdir(), 'tailgate-k8s-'));
  for (const top of ['base', 'overlays']) cpSync(join(KUSTOMIZE_DIR, top), join(copy, top), { recursive: true });
  for (const { dir } of overlays(copy)) {
    const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as {
      secretGenerator?: { files?: string[] }[];
    };
    for (const entry of (kustomization.secretGenerator ?? []).flatMap((generator) => generator.files ?? [])) {
      const [key = '', path = key] = entry.split('=');
      if (valueOf === undefined) {
        rmSync(join(dir, path), { force: true });
        continue;
      }
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), valueOf(key), { mode: 0o600 });
    }
  }
  return copy;
}
