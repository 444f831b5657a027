// Pod metadata in memory for specs: the "apiserver's" pods with their real labels and node,
// changed by the spec as it goes; `failing` makes lookups throw (an apiserver that is away).
import type { PodMetadata, PodMetadataService } from '@tailgate/plugin-sdk';

export interface MemoryPodMetadata extends PodMetadataService {
  put(pod: PodMetadata): void;
  delete(namespace: string, name: string): void;
  /** Lookups made so far. */
  readonly lookups: number;
  failing: boolean;
}

export function memoryPodMetadata(pods: readonly PodMetadata[] = []): MemoryPodMetadata {
  const byKey = new Map<string, PodMetadata>();
  let lookups = 0;
  const service: MemoryPodMetadata = {
    put: (pod) => void byKey.set(`${pod.namespace}/${pod.name}`, pod),
    delete: (namespace, name) => void byKey.delete(`${namespace}/${name}`),
    get lookups() {
      return lookups;
    },
    failing: false,
    async get(namespace, name) {
      lookups++;
      if (service.failing) throw new Error('pod metadata unavailable');
      return byKey.get(`${namespace}/${name}`);
    },
  };
  for (const pod of pods) service.put(pod);
  return service;
}
