// Authoritative pod metadata (from the apiserver's pod objects in a cluster, from the demo's
// manifest without one). Authorizers read labels here, never from a record or a request body.
import { createServiceRef } from './service-ref';

/** The workload a pod belongs to, as its controlling owner reference says (a ReplicaSet's Deployment where the pod's labels tell). */
export interface PodWorkload {
  readonly kind: string;
  readonly name: string;
}

export interface PodMetadata {
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  readonly node?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Unset when the pod has no controlling owner or the source does not know it. */
  readonly workload?: PodWorkload;
  /** The pod's containers (init containers first), where the source knows them. */
  readonly containers?: readonly string[];
}

export interface PodMetadataService {
  /** Undefined when no such pod is known. */
  get(namespace: string, pod: string): Promise<PodMetadata | undefined>;
  /**
   * Every pod known (in the watched namespaces), for pickers that offer what a user may read
   * (the gateway's readable-scope endpoint). Optional: a service that cannot enumerate omits it.
   */
  list?(): Promise<readonly PodMetadata[]>;
}

export const podMetadataServiceRef = createServiceRef<PodMetadataService>('core.pod-metadata');
