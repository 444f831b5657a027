// Objects for tests against the real apiserver. No controller-manager or scheduler runs, so the
// fixtures do their work: a namespace gets its "default" ServiceAccount, workloads get their
// ReplicaSet and pods with ownerReferences, pods are bound to a kubelet stand-in node and marked
// Running through pods/status, and the stand-in learns their containers.
import { randomBytes } from 'node:crypto';
import type { KubeClient } from './kube-client';
import type { KubeletStandIn } from './kubelet-stand-in';
import type { KubeObject, OwnerReference, Pod, PolicyRule, Subject } from './kube-types';
import { LOGGING_CRD_NAMES, loggingOperatorCrds } from './logging-operator-crds';

const RBAC = 'rbac.authorization.k8s.io';
const DEFAULT_IMAGE = 'registry.invalid/tailgate/test:1';

export const user = (name: string): Subject => ({ kind: 'User', name, apiGroup: RBAC });
export const group = (name: string): Subject => ({ kind: 'Group', name, apiGroup: RBAC });
export const serviceAccount = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });

/** A lowercase random suffix, like the ones controllers append to generated names. */
export function suffix(length = 5): string {
  return randomBytes(length).toString('hex').slice(0, length);
}

export interface PodOptions {
  readonly labels?: Readonly<Record<string, string>>;
  /** Container names (default ['app']). */
  readonly containers?: readonly string[];
  readonly initContainers?: readonly string[];
  readonly ownerReferences?: readonly OwnerReference[];
  readonly serviceAccountName?: string;
  /** spec.restartPolicy (the apiserver's default is Always). */
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  /** Mark the pod Running via pods/status (default true). */
  readonly running?: boolean;
}

export interface WorkloadOptions {
  readonly replicas?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly containers?: readonly string[];
}

export interface Workload {
  readonly owner: KubeObject;
  /** The ReplicaSet between a Deployment and its pods; undefined for other kinds. */
  readonly replicaSet?: KubeObject;
  readonly pods: readonly Pod[];
}

export class ClusterFixtures {
  constructor(
    readonly admin: KubeClient,
    /** Pods are bound to this stand-in's node and their containers registered on it. */
    readonly kubelet: KubeletStandIn,
  ) {}

  /** Creates a uniquely named namespace (prefix-xxxxx) with its "default" ServiceAccount. */
  async namespace(prefix = 'tg', labels: Readonly<Record<string, string>> = {}): Promise<string> {
    const name = `${prefix}-${suffix()}`;
    await this.admin.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    await this.createServiceAccount(name, 'default');
    return name;
  }

  async createServiceAccount(namespace: string, name: string): Promise<KubeObject> {
    return this.admin.create(`/api/v1/namespaces/${namespace}/serviceaccounts`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name },
    });
  }

  /** A real bound token from the TokenRequest API (expirationSeconds ≥ 600). */
  async serviceAccountToken(
    namespace: string,
    name: string,
    opts: { audiences?: readonly string[]; expirationSeconds?: number } = {},
  ): Promise<string> {
    const review = await this.admin.create<{ status: { token: string } }>(`/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { ...(opts.audiences === undefined ? {} : { audiences: opts.audiences }), expirationSeconds: opts.expirationSeconds ?? 3600 },
    });
    return review.status.token;
  }

  /** A pod bound to the stand-in node, Running, whose containers the stand-in serves logs for. */
  async pod(namespace: string, name: string, opts: PodOptions = {}): Promise<Pod> {
    const containers = (opts.containers ?? ['app']).map((c) => ({ name: c, image: DEFAULT_IMAGE }));
    const initContainers = (opts.initContainers ?? []).map((c) => ({ name: c, image: DEFAULT_IMAGE }));
    const created = await this.admin.create<Pod>(`/api/v1/namespaces/${namespace}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        labels: opts.labels ?? {},
        ...(opts.ownerReferences === undefined ? {} : { ownerReferences: opts.ownerReferences }),
      },
      spec: {
        nodeName: this.kubelet.nodeName,
        containers,
        ...(initContainers.length > 0 ? { initContainers } : {}),
        ...(opts.serviceAccountName === undefined ? {} : { serviceAccountName: opts.serviceAccountName }),
        ...(opts.restartPolicy === undefined ? {} : { restartPolicy: opts.restartPolicy }),
        terminationGracePeriodSeconds: 0,
      },
    });
    for (const c of [...initContainers, ...containers]) this.kubelet.container(namespace, name, c.name);
    if (opts.running === false) return created;
    return this.reportStatus(namespace, name);
  }

  /** Writes the stand-in's view of the pod's containers to pods/status (phase Running). */
  async reportStatus(namespace: string, name: string): Promise<Pod> {
    const pod = await this.admin.get<Pod>(`/api/v1/namespaces/${namespace}/pods/${name}`);
    const statusOf = (names: readonly { name: string }[] | undefined): Record<string, unknown>[] =>
      (names ?? []).map((c) => this.kubelet.container(namespace, name, c.name).status(DEFAULT_IMAGE));
    const now = new Date().toISOString();
    return this.admin.patch<Pod>(`/api/v1/namespaces/${namespace}/pods/${name}/status`, {
      status: {
        phase: 'Running',
        hostIP: this.kubelet.nodeAddress,
        podIP: this.kubelet.nodeAddress,
        startTime: now,
        conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({
          type,
          status: 'True',
          lastTransitionTime: now,
        })),
        containerStatuses: statusOf(pod.spec?.containers),
        ...(pod.spec?.initContainers === undefined ? {} : { initContainerStatuses: statusOf(pod.spec.initContainers) }),
      },
    });
  }

  /** Deletes a pod at once (grace 0) and stops its containers on the stand-in. */
  async deletePod(namespace: string, name: string): Promise<void> {
    await this.admin.delete(`/api/v1/namespaces/${namespace}/pods/${name}`, {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
    });
    this.kubelet.removePod(namespace, name);
  }

  async deployment(namespace: string, name: string, opts: WorkloadOptions = {}): Promise<Workload> {
    const labels = opts.labels ?? { app: name };
    const owner = await this.createWorkload('apps/v1', 'Deployment', 'deployments', namespace, name, labels, opts);
    const hash = suffix(10);
    const rsLabels = { ...labels, 'pod-template-hash': hash };
    const replicaSet = await this.admin.create<KubeObject>(`/apis/apps/v1/namespaces/${namespace}/replicasets`, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${name}-${hash}`, labels: rsLabels, ownerReferences: [controllerRef(owner)] },
      spec: { replicas: opts.replicas ?? 1, selector: { matchLabels: rsLabels }, template: template(rsLabels, opts) },
    });
    const pods = await this.podsOf(namespace, replicaSet, rsLabels, opts, () => `${replicaSet.metadata.name}-${suffix()}`);
    return { owner, replicaSet, pods };
  }

  async statefulSet(namespace: string, name: string, opts: WorkloadOptions = {}): Promise<Workload> {
    const labels = opts.labels ?? { app: name };
    const owner = await this.createWorkload('apps/v1', 'StatefulSet', 'statefulsets', namespace, name, labels, opts, { serviceName: name });
    const revision = `${name}-${suffix(10)}`;
    const pods: Pod[] = [];
    for (let i = 0; i < (opts.replicas ?? 1); i++) {
      const podName = `${name}-${i}`;
      const podLabels = {
        ...labels,
        'controller-revision-hash': revision,
        'statefulset.kubernetes.io/pod-name': podName,
        'apps.kubernetes.io/pod-index': String(i),
      };
      pods.push(await this.pod(namespace, podName, { labels: podLabels, ...containersOf(opts), ownerReferences: [controllerRef(owner)] }));
    }
    return { owner, pods };
  }

  /** A DaemonSet with its one pod on the stand-in node. */
  async daemonSet(namespace: string, name: string, opts: Omit<WorkloadOptions, 'replicas'> = {}): Promise<Workload> {
    const labels = opts.labels ?? { app: name };
    const owner = await this.createWorkload('apps/v1', 'DaemonSet', 'daemonsets', namespace, name, labels, opts);
    const pods = await this.podsOf(
      namespace,
      owner,
      { ...labels, 'controller-revision-hash': suffix(10) },
      { ...opts, replicas: 1 },
      () => `${name}-${suffix()}`,
    );
    return { owner, pods };
  }

  async job(namespace: string, name: string, opts: WorkloadOptions = {}): Promise<Workload> {
    const labels = opts.labels ?? { app: name };
    const owner = await this.admin.create<KubeObject<{ selector: { matchLabels: Record<string, string> } }>>(
      `/apis/batch/v1/namespaces/${namespace}/jobs`,
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, labels },
        spec: {
          parallelism: opts.replicas ?? 1,
          completions: opts.replicas ?? 1,
          template: { ...template(labels, opts), spec: { ...template(labels, opts).spec, restartPolicy: 'Never' } },
        },
      },
    );
    // The apiserver generated the selector (controller-uid); the pods must carry it, as the job controller's do.
    const podLabels = { ...labels, ...owner.spec?.selector.matchLabels, 'job-name': name, 'batch.kubernetes.io/job-name': name };
    const pods = await this.podsOf(namespace, owner, podLabels, opts, () => `${name}-${suffix()}`, 'Never');
    return { owner, pods };
  }

  async role(namespace: string, name: string, rules: readonly PolicyRule[]): Promise<KubeObject> {
    return this.admin.create(`/apis/${RBAC}/v1/namespaces/${namespace}/roles`, {
      apiVersion: `${RBAC}/v1`,
      kind: 'Role',
      metadata: { name },
      rules,
    });
  }

  async clusterRole(name: string, rules: readonly PolicyRule[]): Promise<KubeObject> {
    return this.admin.create(`/apis/${RBAC}/v1/clusterroles`, { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name }, rules });
  }

  /** Binds a Role (or, with kind ClusterRole, a ClusterRole) in one namespace. */
  async roleBinding(
    namespace: string,
    name: string,
    roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
    subjects: readonly Subject[],
  ): Promise<KubeObject> {
    return this.admin.create(`/apis/${RBAC}/v1/namespaces/${namespace}/rolebindings`, {
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name },
      roleRef: { apiGroup: RBAC, ...roleRef },
      subjects,
    });
  }

  async clusterRoleBinding(name: string, clusterRole: string, subjects: readonly Subject[]): Promise<KubeObject> {
    return this.admin.create(`/apis/${RBAC}/v1/clusterrolebindings`, {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: clusterRole },
      subjects,
    });
  }

  /** Role + RoleBinding in one step: grants `rules` in `namespace` to `subjects`. */
  async grant(namespace: string, name: string, rules: readonly PolicyRule[], subjects: readonly Subject[]): Promise<void> {
    await this.role(namespace, name, rules);
    await this.roleBinding(namespace, name, { kind: 'Role', name }, subjects);
  }

  /** Installs (once per cluster) the logging-operator CRDs and waits until they are Established. */
  async installLoggingOperatorCrds(): Promise<void> {
    const path = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
    for (const crd of loggingOperatorCrds()) {
      await this.admin.create(path, crd).catch((error: unknown) => {
        if ((error as { status?: number }).status !== 409) throw error;
      });
    }
    type Crd = { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } };
    const established = (crd: Crd): boolean =>
      crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
    for (const name of LOGGING_CRD_NAMES) await this.admin.watchUntil<Crd>(path, name, established);
  }

  private async createWorkload(
    apiVersion: string,
    kind: string,
    plural: string,
    namespace: string,
    name: string,
    labels: Readonly<Record<string, string>>,
    opts: WorkloadOptions,
    extraSpec: Record<string, unknown> = {},
  ): Promise<KubeObject> {
    return this.admin.create(`/apis/${apiVersion}/namespaces/${namespace}/${plural}`, {
      apiVersion,
      kind,
      metadata: { name, labels },
      spec: {
        ...(kind === 'DaemonSet' ? {} : { replicas: opts.replicas ?? 1 }),
        selector: { matchLabels: labels },
        template: template(labels, opts),
        ...extraSpec,
      },
    });
  }

  private async podsOf(
    namespace: string,
    owner: KubeObject,
    labels: Readonly<Record<string, string>>,
    opts: WorkloadOptions,
    nameOf: () => string,
    restartPolicy?: PodOptions['restartPolicy'],
  ): Promise<Pod[]> {
    const pods: Pod[] = [];
    for (let i = 0; i < (opts.replicas ?? 1); i++) {
      const podOpts: PodOptions = {
        labels,
        ...containersOf(opts),
        ownerReferences: [controllerRef(owner)],
        ...(restartPolicy ? { restartPolicy } : {}),
      };
      pods.push(await this.pod(namespace, nameOf(), podOpts));
    }
    return pods;
  }
}

function containersOf(opts: WorkloadOptions): Pick<PodOptions, 'containers'> {
  return opts.containers === undefined ? {} : { containers: opts.containers };
}

function template(
  labels: Readonly<Record<string, string>>,
  opts: WorkloadOptions,
): { metadata: Record<string, unknown>; spec: Record<string, unknown> } {
  return { metadata: { labels }, spec: { containers: (opts.containers ?? ['app']).map((name) => ({ name, image: DEFAULT_IMAGE })) } };
}

export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}
