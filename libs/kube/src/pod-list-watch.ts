// The pod metadata cache's list+watch: one loop per namespace (or one for all namespaces),
// mapping pod objects to the metadata authorizers use.
import type { PluginLogger, PodMetadata } from '@tailgate/plugin-sdk';

import { type ListWatchTransport, runListWatch } from './list-watch';
import { PodObjectSchema, toPodMetadata } from './pod-schemas';

export type PodTransport = ListWatchTransport;

export interface PodSink {
  /** Everything in this loop's namespace (undefined: all) is exactly `pods` now. */
  replace(namespace: string | undefined, pods: readonly PodMetadata[]): void;
  upsert(pod: PodMetadata): void;
  remove(namespace: string, name: string): void;
}

export interface PodListWatchOptions {
  readonly namespace: string | undefined;
  readonly watchTimeoutSeconds: number;
  readonly retryDelayMs: number;
  readonly logger: PluginLogger;
}

export function runPodListWatch(http: PodTransport, sink: PodSink, signal: AbortSignal, opts: PodListWatchOptions): Promise<void> {
  const { namespace } = opts;
  const path = namespace === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
  return runListWatch(
    http,
    {
      replace: (pods) => sink.replace(namespace, pods.map(toPodMetadata)),
      upsert: (pod) => sink.upsert(toPodMetadata(pod)),
      remove: (pod) => sink.remove(pod.metadata.namespace, pod.metadata.name),
    },
    signal,
    { ...opts, path, schema: PodObjectSchema, what: `pods in ${namespace ?? 'all namespaces'}` },
  );
}
