// Authoritative pod metadata (from the apiserver's pod objects in a cluster, from the demo's
// manifest without one). Authorizers read labels here, never from a record or a request body.
import { createServiceRef } from './service-ref';

export interface PodMetadata {
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  readonly node?: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface PodMetadataService {
  /** Undefined when no such pod is known. */
  get(namespace: string, pod: string): Promise<PodMetadata | undefined>;
}

export const podMetadataServiceRef = createServiceRef<PodMetadataService>('core.pod-metadata');
