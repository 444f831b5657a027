// The few Kubernetes object shapes the fixtures and smoke tests read. Deliberately partial:
// fields we never look at stay `unknown`.

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
  readonly deletionTimestamp?: string;
}

export interface KubeObject<Spec = Record<string, unknown>, Status = Record<string, unknown>> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly spec?: Spec;
  readonly status?: Status;
}

export interface KubeList<T> {
  readonly metadata: { readonly resourceVersion: string };
  readonly items: readonly T[];
}

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
}

export interface PodSpec {
  readonly nodeName?: string;
  readonly containers: readonly ContainerSpec[];
  readonly initContainers?: readonly ContainerSpec[];
  readonly serviceAccountName?: string;
}

export interface ContainerStatus {
  readonly name: string;
  readonly restartCount: number;
  readonly containerID?: string;
  readonly state?: { readonly running?: { readonly startedAt: string }; readonly terminated?: { readonly exitCode: number } };
  readonly lastState?: { readonly terminated?: { readonly exitCode: number; readonly containerID: string } };
}

export interface PodStatus {
  readonly phase?: string;
  readonly containerStatuses?: readonly ContainerStatus[];
}

export type Pod = KubeObject<PodSpec, PodStatus>;

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly verbs: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export type Subject =
  | { readonly kind: 'User'; readonly name: string; readonly apiGroup: 'rbac.authorization.k8s.io' }
  | { readonly kind: 'Group'; readonly name: string; readonly apiGroup: 'rbac.authorization.k8s.io' }
  | { readonly kind: 'ServiceAccount'; readonly name: string; readonly namespace: string };

export interface ResourceAttributes {
  readonly namespace?: string;
  readonly verb: string;
  readonly group?: string;
  readonly version?: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly name?: string;
}

export interface SubjectAccessReviewStatus {
  readonly allowed: boolean;
  readonly denied?: boolean;
  readonly reason?: string;
  readonly evaluationError?: string;
}

export interface TokenReviewStatus {
  readonly authenticated?: boolean;
  readonly user?: {
    readonly username?: string;
    readonly uid?: string;
    readonly groups?: readonly string[];
    readonly extra?: Readonly<Record<string, readonly string[]>>;
  };
  readonly audiences?: readonly string[];
  readonly error?: string;
}

export interface WatchEvent<T> {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: T;
}
