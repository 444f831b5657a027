// Pod metadata in memory for specs: the "apiserver's" pods, changed by the spec as it goes.
import type { PodMetadata, PodMetadataService } from '@tailgate/plugin-sdk';

export interface MemoryPodMetadata extends PodMetadataService {
  /** Adds or replaces a pod (`node` undefined: not bound yet). */
  put(namespace: string, name: string, node: string | undefined): void;
}

export function memoryPodMetadata(pods: readonly (readonly [namespace: string, name: string, node: string])[] = []): MemoryPodMetadata {
  const byKey = new Map<string, PodMetadata>();
  const put = (namespace: string, name: string, node: string | undefined): void =>
    void byKey.set(`${namespace}/${name}`, { namespace, name, labels: {}, ...(node !== undefined && { node }) });
  for (const [namespace, name, node] of pods) put(namespace, name, node);
  return {
    put,
    get: (namespace, name) => Promise.resolve(byKey.get(`${namespace}/${name}`)),
  };
}
