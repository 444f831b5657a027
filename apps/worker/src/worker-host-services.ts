// The services the worker offers its plugins: shared state on Redis, counters on its /metrics and,
// with `kube`, the cluster's API (api, self reviews, transport, pod metadata). No plugin HTTP and
// no log bus: a plugin asks `ctx.has(ref)` before using what only the gateway offers.
import { RedisSharedState } from '@tailgate/bus';
import type { TailgateConfig } from '@tailgate/config';
import { createKubeSelfApi, createKubeServices, kubeSelfServiceRef, kubeServiceRef, kubeTransportServiceRef } from '@tailgate/kube';
import { type HostServices, pluginMetrics } from '@tailgate/plugin-host';
import {
  type PluginLogger,
  pluginMetricsServiceRef,
  podMetadataServiceRef,
  type SharedState,
  sharedStateServiceRef,
} from '@tailgate/plugin-sdk';
import type { Cluster, Redis } from 'ioredis';
import type { Registry } from 'prom-client';

export interface WorkerHostServices {
  readonly services: HostServices;
  /** Undoes what was started (the pod watch, when a plugin's lookup started it). */
  stop(): Promise<void>;
}

export async function buildWorkerHostServices(
  config: TailgateConfig,
  redis: Redis | Cluster,
  metrics: Registry,
  logger: PluginLogger,
): Promise<WorkerHostServices> {
  const services = new Map<string, unknown>();
  // Typed here: RedisSharedState matches the SDK's interface by shape (@tailgate/bus has no SDK dependency).
  const sharedState: SharedState = new RedisSharedState(redis, config.redis.keyPrefix);
  services.set(sharedStateServiceRef.id, sharedState);
  services.set(pluginMetricsServiceRef.id, pluginMetrics(metrics));
  if (config.kube === undefined) return { services, stop: async () => undefined };
  const kube = await createKubeServices(config.kube, { logger });
  services.set(kubeServiceRef.id, kube.api);
  services.set(kubeSelfServiceRef.id, await createKubeSelfApi(config.kube));
  services.set(kubeTransportServiceRef.id, kube.http);
  // Not started: the first lookup starts the watch, so a worker whose jobs never look pods up never lists them.
  services.set(podMetadataServiceRef.id, kube.podMetadata);
  return { services, stop: () => kube.podMetadata.stop() };
}
