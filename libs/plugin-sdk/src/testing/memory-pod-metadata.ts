// Pod metadata in memory for plugins' specs: the "apiserver's" pods with their labels and node
// (none: not bound yet), changed by the spec as it goes; `failing` makes lookups throw (an
// apiserver that is away).
import type { PodMetadata, PodMetadataService } from '../pod-metadata';

export interface MemoryPodMetadata extends PodMetadataService {
  /** Adds or replaces a pod. */
  put(pod: PodMetadata): void;
  delete(namespace: string, name: string): void;
  /** Lookups made so far. */
  readonly lookups: number;
  /** While true, lookups reject. Default false. */
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
