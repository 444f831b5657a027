// k8s/base and k8s/overlays are generated from the chart (kustomize-tree.ts): the diff and patch
// that make the ha overlay are exact, and the committed tree — the ha overlay assembled here as
// kustomize assembles it — carries each values set's tailgate.yaml and exactly the RBAC the
// generator gives each component. (test/kube/kustomize-tree.test.ts compares the files with what
// helm renders, and kustomize build with helm template, with the real binaries.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { BUNDLED_PLUGINS } from '../../apps/gateway/src/bundled-plugins';
import { chartConfig, chartValues } from '../../apps/gateway/src/k8s/chart-values';
import { componentRules, grantsOf } from '../../apps/gateway/src/k8s/component-rbac';
import { parseConfig } from '@tailgate/config';
import type { PolicyRule } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';

import {
  applyJsonPatch,
  committedKustomizeTree,
  diffJson,
  type JsonPatchOp,
  K8S_DIR,
  type KubeObject,
  kustomizeTree,
} from './kustomize-tree';

const object = (kind: string, name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
  kind,
  metadata: { name, namespace: 'tailgate', labels: { 'app.kubernetes.io/name': 'tailgate', 'helm.sh/chart': 'tailgate-0.1.0' } },
  ...extra,
});
const helmOutput = (objects: KubeObject[]) => objects.map((o) => `---\n# Source: x\n${stringify(o)}`).join('');

type Kustomization = {
  resources: string[];
  patches?: { path: string; target: { kind: string; name: string } }[];
  secretGenerator?: { name: string; namespace?: string; files: string[]; options?: { labels?: Record<string, string> } }[];
};

/** The objects an overlay builds to, assembled from the committed files as kustomize does. */
function build(tree: Map<string, string>, dir: string): KubeObject[] {
  const kustomization = parse(tree.get(`${dir}/kustomization.yaml`) ?? '') as Kustomization;
  const objects: KubeObject[] = [];
  for (const resource of kustomization.resources) {
    if (resource.endsWith('.yaml')) objects.push(parse(tree.get(`${dir}/${resource}`) ?? '') as KubeObject);
    else objects.push(...build(tree, normalize(`${dir}/${resource}`)));
  }
  // The generated Secret with its keys: the files are the user's, so their contents are not here.
  for (const generator of kustomization.secretGenerator ?? []) {
    const { name, namespace, options } = generator;
    const data = Object.fromEntries(generator.files.map((file) => [file.split('=')[0] ?? '', '']));
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace, labels: options?.labels }, type: 'Opaque', data });
  }
  for (const patch of kustomization.patches ?? []) {
    const index = objects.findIndex((o) => o.kind === patch.target.kind && o.metadata.name === patch.target.name);
    expect(index, `${patch.path} targets nothing`).toBeGreaterThanOrEqual(0);
    objects[index] = applyJsonPatch(objects[index], parse(tree.get(`${dir}/${patch.path}`) ?? '') as JsonPatchOp[]) as KubeObject;
  }
  return objects;
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

const configIn = (objects: KubeObject[]) => {
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'tailgate-config') as
    { data: Record<string, string> } | undefined;
  const parsed = parseConfig(parse(configMap?.data['tailgate.yaml'] ?? ''));
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.config;
};
const rulesOf = (objects: KubeObject[], name: string) =>
  (objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === name) as { rules?: PolicyRule[] } | undefined)?.rules ?? [];

describe('JSON patches between renders', () => {
  it('turn one object into the other: keys added, removed and replaced, lists by element or whole, keys with / and ~', () => {
    const before = { a: 1, b: { 'x/y': 1, 'm~n': [1, 2] }, list: [{ name: 'a', v: 1 }], gone: true };
    const after = { a: 2, b: { 'x/y': 1, 'm~n': [1, 2, 3], added: { deep: true } }, list: [{ name: 'a', v: 2 }] };
    const ops = diffJson(before, after);
    expect(ops).toEqual([
      { op: 'remove', path: '/gone' },
      { op: 'replace', path: '/a', value: 2 },
      { op: 'replace', path: '/b/m~0n', value: [1, 2, 3] },
      { op: 'add', path: '/b/added', value: { deep: true } },
      { op: 'replace', path: '/list/0/v', value: 2 },
    ]);
    expect(applyJsonPatch(before, ops)).toEqual(after);
    expect(before.gone).toBe(true);
    expect(diffJson(after, after)).toEqual([]);
  });
});

describe('the kustomize tree of two renders', () => {
  const embedded = [
    object('ConfigMap', 'tailgate-config', { data: { a: '1' } }),
    object('Deployment', 'tailgate-gateway', { spec: { replicas: 1 } }),
  ];
  const ha = [
    object('ConfigMap', 'tailgate-config', { data: { a: '2' } }),
    object('Deployment', 'tailgate-gateway', { spec: { replicas: 3 } }),
    object('Deployment', 'tailgate-worker'),
  ];
  const tree = kustomizeTree(helmOutput(embedded), helmOutput(ha));

  it('has the embedded render as base (with its Namespace, without Helm labels), and the ha overlay builds to the ha render', () => {
    const base = build(tree, 'base');
    expect(base.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/tailgate',
      'ConfigMap/tailgate-config',
      'Deployment/tailgate-gateway',
    ]);
    expect(JSON.stringify(base)).not.toContain('helm.sh/chart');
    expect(build(tree, 'overlays/embedded')).toEqual(base);
    const built = build(tree, 'overlays/ha');
    const unlabelled = ha.map((o) => ({ ...o, metadata: { ...o.metadata, labels: { 'app.kubernetes.io/name': 'tailgate' } } }));
    expect(built.slice(1).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))).toEqual(unlabelled);
    expect(tree.get('overlays/ha/patches/tailgate-gateway.deployment.yaml')).toContain('path: /spec/replicas');
  });

  it('generates the files Secret of the ha render from files under secrets/ instead of committing its values', () => {
    const files = object('Secret', 'tailgate-files', {
      type: 'Opaque',
      stringData: { 'agent-session-secret': 'example-only-x', 'b.csv': 'y' },
    });
    const withFiles = kustomizeTree(helmOutput(embedded), helmOutput([...ha, files]));
    expect([...withFiles.values()].join('\n')).not.toContain('example-only-x');
    expect([...withFiles.keys()]).not.toContain('overlays/ha/tailgate-files.secret.yaml');
    const kustomization = parse(withFiles.get('overlays/ha/kustomization.yaml') ?? '') as Kustomization;
    expect(kustomization.secretGenerator).toEqual([
      {
        name: 'tailgate-files',
        namespace: 'tailgate',
        type: 'Opaque',
        files: ['agent-session-secret=secrets/agent-session-secret', 'b.csv=secrets/b.csv'],
        options: { disableNameSuffixHash: true, labels: { 'app.kubernetes.io/name': 'tailgate' } },
      },
    ]);
    expect(() => kustomizeTree(helmOutput([...embedded, files]), helmOutput([...ha, files]))).toThrow(/only the ha overlay/);
  });

  it('refuses an ha render that drops an object of the base', () => {
    expect(() => kustomizeTree(helmOutput(embedded), helmOutput(ha.slice(1)))).toThrow(/ConfigMap/);
  });
});

describe('the committed k8s/base and k8s/overlays', () => {
  const tree = committedKustomizeTree();

  it('are generated files only, each saying so', () => {
    expect([...tree.keys()]).toEqual(
      expect.arrayContaining(['base/kustomization.yaml', 'overlays/embedded/kustomization.yaml', 'overlays/ha/kustomization.yaml']),
    );
    for (const [path, text] of tree) expect(text.startsWith('# Generated by npm run k8s:kustomize'), path).toBe(true);
    for (const [path, text] of tree) for (const doc of parseAllDocuments(text)) expect(doc.errors, path).toEqual([]);
  });

  it.each([
    ['overlays/embedded', 'embedded'],
    ['overlays/ha', 'ha'],
  ])('%s carries the tailgate.yaml of values set %s and each component RBAC as the generator gives it', (dir, set) => {
    const objects = build(tree, dir);
    const values = chartValues(set);
    expect(configIn(objects)).toEqual(chartConfig(values));
    const rules = componentRules(chartConfig(values), BUNDLED_PLUGINS);
    expect(grantsOf(rulesOf(objects, 'tailgate-gateway'))).toEqual(grantsOf(rules.gateway));
    expect(grantsOf(rulesOf(objects, 'tailgate-worker'))).toEqual(grantsOf(rules.worker));
    expect(objects.some((o) => o.kind === 'ClusterRole' && o.metadata.name === 'tailgate-agent')).toBe(false);
    expect(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(['tailgate']);
  });

  it('hold no secret value: the ha files Secret comes from files the user creates, git-ignored', () => {
    for (const [path, text] of tree) expect(text, path).not.toMatch(/example-only-|example-not-a-secret/);
    const generated = build(tree, 'overlays/ha').find((o) => o.kind === 'Secret' && o.metadata.name === 'tailgate-files');
    expect(Object.keys((generated as { data?: object } | undefined)?.data ?? {}).sort()).toEqual([
      'agent-session-secret',
      'audit-webhook-token',
    ]);
    const ignore = readFileSync(join(K8S_DIR, 'overlays/ha/secrets/.gitignore'), 'utf8').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['*', '!README.md']));
  });

  it('give the session secret to the gateways only: the worker mounts the webhook token alone, the agents no file of it', () => {
    type PodSpec = { volumes?: { name: string; secret?: { secretName: string; items?: { key: string }[] } }[] };
    const objects = build(tree, 'overlays/ha');
    const podOf = (kind: string, name: string) =>
      (objects.find((o) => o.kind === kind && o.metadata.name === name) as unknown as { spec: { template: { spec: PodSpec } } }).spec
        .template.spec;
    const filesVolume = (spec: PodSpec) => spec.volumes?.find((v) => v.secret?.secretName === 'tailgate-files');
    expect(filesVolume(podOf('Deployment', 'tailgate-gateway'))?.secret?.items).toBeUndefined();
    expect(filesVolume(podOf('Deployment', 'tailgate-worker'))?.secret?.items?.map((i) => i.key)).toEqual(['audit-webhook-token']);
    expect(filesVolume(podOf('DaemonSet', 'tailgate-agent'))).toBeUndefined();
    expect(JSON.stringify(podOf('DaemonSet', 'tailgate-agent'))).not.toContain('tailgate-files');
  });

  it('the ha overlay runs three gateways, the agents and the worker on Redis', () => {
    const objects = build(tree, 'overlays/ha');
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining(['DaemonSet/tailgate-agent', 'Deployment/tailgate-worker', 'PodDisruptionBudget/tailgate-gateway']),
    );
    const gateway = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'tailgate-gateway') as unknown as {
      spec: { replicas: number; template: { spec: { containers: { env: { name: string }[] }[] } } };
    };
    expect(gateway.spec.replicas).toBe(3);
    expect(gateway.spec.template.spec.containers[0]?.env.map((e) => e.name)).toContain('REDIS_URL');
  });
});
