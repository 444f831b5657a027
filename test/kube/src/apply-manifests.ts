// Rendered manifests onto the real apiserver as `kubectl apply --server-side` would put them
// (kubectl is not available here): each kind's resource path and scope come from API discovery,
// each object goes as one server-side apply PATCH (application/apply-patch+yaml) with our
// fieldManager, first with ?dryRun=All (the apiserver validates, defaults and admits, and stores
// nothing), then for real. Namespaced objects without a namespace land in the target one, as with
// `kubectl apply -n`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { KubeClient } from '../../cluster/src/kube-client';
import { type Manifest, parseManifests } from './rendered-manifests';

const FIELD_MANAGER = 'tailgate-manifest-tests';
const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const FIXTURES = join(__dirname, '../../fixtures/k8s');

interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** Where one object lives: its collection path and its own path. */
export interface ObjectLocation {
  readonly collection: string;
  readonly path: string;
  readonly namespaced: boolean;
}

// Namespaces first, CRDs and the identities the rest refer to next, workloads last: the order
// kubectl and helm use, so a real apply never sees a reference to something not yet there.
const ORDER = [
  'Namespace',
  'CustomResourceDefinition',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'Service',
];
const rank = (m: Manifest): number => (ORDER.includes(m.kind) ? ORDER.indexOf(m.kind) : ORDER.length);

export class ManifestApplier {
  private readonly discovered = new Map<string, Promise<readonly ApiResource[]>>();
  private readonly clusterScoped: Manifest[] = [];

  constructor(private readonly admin: KubeClient) {}

  /** The object's paths, from discovery of its group version; throws for a kind the apiserver does not serve. */
  async locate(m: Manifest, namespace: string): Promise<ObjectLocation> {
    const base = m.apiVersion.includes('/') ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`;
    const resources = await this.resourcesOf(base);
    const resource = resources.find((r) => r.kind === m.kind && !r.name.includes('/'));
    if (resource === undefined) throw new Error(`the apiserver serves no ${m.kind} in ${m.apiVersion}`);
    const collection = resource.namespaced
      ? `${base}/namespaces/${m.metadata.namespace ?? namespace}/${resource.name}`
      : `${base}/${resource.name}`;
    return { collection, path: `${collection}/${m.metadata.name}`, namespaced: resource.namespaced };
  }

  /**
   * Applies every object in dependency order; with dryRun the apiserver checks each and keeps
   * none. A refusal throws with the object's kind, name and the apiserver's Status message.
   */
  async apply(manifests: readonly Manifest[], namespace: string, opts: { dryRun: boolean }): Promise<Manifest[]> {
    const applied: Manifest[] = [];
    for (const m of [...manifests].sort((a, b) => rank(a) - rank(b))) {
      const { path, namespaced } = await this.locate(m, namespace);
      const body = namespaced ? { ...m, metadata: { ...m.metadata, namespace: m.metadata.namespace ?? namespace } } : m;
      const query = `fieldManager=${FIELD_MANAGER}&force=true${opts.dryRun ? '&dryRun=All' : ''}`;
      try {
        // JSON is YAML: the apply patch body needs no YAML writer.
        applied.push(await this.admin.json<Manifest>('PATCH', `${path}?${query}`, { body, contentType: 'application/apply-patch+yaml' }));
      } catch (error) {
        throw new Error(`${opts.dryRun ? 'dry-run ' : ''}apply of ${m.kind}/${m.metadata.name} refused: ${(error as Error).message}`);
      }
    }
    return applied;
  }

  /**
   * What `kubectl apply --server-side --dry-run=server` then `kubectl apply --server-side` do, with
   * both outcomes checked: after the dry run the apiserver holds none of the objects, after the
   * apply all of them (the target namespace itself is expected to exist before). Cluster-scoped
   * objects are remembered for cleanup().
   */
  async install(manifests: readonly Manifest[], namespace: string): Promise<void> {
    const objects = manifests.filter((m) => m.kind !== 'Namespace');
    await this.apply(manifests, namespace, { dryRun: true });
    const stored = await this.existing(objects, namespace);
    if (stored.length > 0) throw new Error(`the dry run stored ${stored.join(', ')}`);
    for (const m of objects) if (!(await this.locate(m, namespace)).namespaced) this.clusterScoped.push(m);
    await this.apply(manifests, namespace, { dryRun: false });
    const missing = objects.length - (await this.existing(objects, namespace)).length;
    if (missing > 0) throw new Error(`${missing} of ${objects.length} objects are missing after the apply`);
  }

  /** Deletes every cluster-scoped object install() applied (namespaced ones go with their test namespace). */
  async cleanup(): Promise<void> {
    for (const m of this.clusterScoped.splice(0)) {
      // 404: an install that failed part-way never created it.
      const res = await this.admin.raw('DELETE', (await this.locate(m, 'unused')).path);
      if (res.status !== 200 && res.status !== 202 && res.status !== 404)
        throw new Error(`DELETE ${m.kind}/${m.metadata.name}: ${res.status}`);
    }
  }

  /** `kind/name` of those of `manifests` the apiserver holds now. */
  async existing(manifests: readonly Manifest[], namespace: string): Promise<string[]> {
    const found: string[] = [];
    for (const m of manifests) {
      const { path } = await this.locate(m, namespace);
      const res = await this.admin.raw('GET', path);
      if (res.status === 200) found.push(`${m.kind}/${m.metadata.name}`);
      else if (res.status !== 404) throw new Error(`GET ${m.kind}/${m.metadata.name}: ${res.status}`);
    }
    return found;
  }

  /** Installs the ServiceMonitor and PrometheusRule CRDs (test/fixtures/k8s) once per cluster, and waits until they are served. */
  async installPrometheusOperatorCrds(): Promise<void> {
    const crds = parseManifests(readFileSync(join(FIXTURES, 'prometheus-operator-crds.yaml'), 'utf8'));
    await this.apply(crds, 'unused', { dryRun: false });
    type Crd = { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } };
    const established = (crd: Crd): boolean =>
      crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
    for (const crd of crds) await this.admin.watchUntil<Crd>(CRD_PATH, crd.metadata.name, established);
    // Discovery of the group may have been read (and cached) before the CRDs existed.
    this.discovered.delete('/apis/monitoring.coreos.com/v1');
  }

  private resourcesOf(base: string): Promise<readonly ApiResource[]> {
    let found = this.discovered.get(base);
    if (found === undefined) {
      found = this.admin.get<{ resources: ApiResource[] }>(base).then((list) => list.resources);
      this.discovered.set(base, found);
      found.catch(() => this.discovered.delete(base));
    }
    return found;
  }
}
