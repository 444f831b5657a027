// The services the gateway hands its plugins (kube clients, pod metadata, the bus, counters), the cluster feeds that
// can change access (pod labels, RBAC objects), and the steps that stop them, in stop order.
import type { TailgateConfig } from '@tailgate/config';
import {
  accessChangeOfPod,
  type AccessChange,
  AccessObjectsWatch,
  kubeSelfServiceRef,
  kubeServiceRef,
  kubeTransportServiceRef,
} from '@tailgate/kube';
import { closeRedisConnection, createRedisClient, type LogBus, RedisSharedState } from '@tailgate/bus';
import { type HostServices, pluginMetrics } from '@tailgate/plugin-host';
import {
  logBusServiceRef,
  MemorySharedState,
  PLUGIN_BUS_CHANNEL_PREFIX,
  type PluginBus,
  type PluginHttp,
  pluginHttpServiceRef,
  pluginMetricsServiceRef,
  podMetadataServiceRef,
  type SharedState,
  sharedStateServiceRef,
} from '@tailgate/plugin-sdk';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

import { createKubeHostServices } from './kube/kube-host-services';
import type { BusFrame } from './model/bus-message';
import { FilePodMetadata } from './pod-metadata/file-pod-metadata';
import { type ShutdownStep, step } from './shutdown-sequence';

/** Observes access changes; returns the unsubscribe. */
export type AccessChangeFeed = (listener: (change: AccessChange) => void) => () => void;

export interface GatewayHostServices {
  readonly services: HostServices;
  /** Where cluster changes that can change access are reported; none without `kube`. */
  readonly accessChanges: readonly AccessChangeFeed[];
  readonly stopSteps: readonly ShutdownStep[];
}

export async function buildHostServices(
  config: TailgateConfig,
  logger: Logger,
  bus: LogBus<BusFrame>,
  metrics: Registry,
  pluginHttp: PluginHttp,
): Promise<GatewayHostServices> {
  const services = new Map<string, unknown>();
  services.set(logBusServiceRef.id, pluginBus(bus, `${config.redis.keyPrefix}${PLUGIN_BUS_CHANNEL_PREFIX}`));
  services.set(pluginMetricsServiceRef.id, pluginMetrics(metrics));
  services.set(pluginHttpServiceRef.id, pluginHttp);
  const accessChanges: AccessChangeFeed[] = [];
  const stopSteps: ShutdownStep[] = [];
  services.set(sharedStateServiceRef.id, sharedState(config, logger, stopSteps));
  if (config.kube) {
    const kube = await createKubeHostServices(config, config.kube, logger.child({ component: 'kube' }));
    services.set(kubeServiceRef.id, kube.api);
    services.set(kubeSelfServiceRef.id, kube.self);
    services.set(kubeTransportServiceRef.id, kube.http);
    if (config.podMetadata.kind === 'kubernetes') {
      kube.podMetadata.start();
      stopSteps.push(step('pod watch', () => kube.podMetadata.stop()));
      services.set(podMetadataServiceRef.id, kube.podMetadata);
      accessChanges.push((listener) =>
        kube.podMetadata.onChange((change) => {
          const access = accessChangeOfPod(change);
          if (access) listener(access);
        }),
      );
    }
    // RBAC decides only through kube-rbac; its objects are watched so a change takes effect at once.
    if (config.access.chain.some((name) => name.startsWith('kube-rbac.'))) {
      const { watchTimeoutSeconds } = config.kube.podMetadata;
      const watchLogger = logger.child({ component: 'access-watch' });
      const watch = new AccessObjectsWatch(kube.http, { watchTimeoutSeconds, logger: watchLogger });
      watch.start();
      stopSteps.push(step('RBAC watches', () => watch.stop()));
      accessChanges.push((listener) => watch.onChange(listener));
      // Listed before the first decision, so the first lists hide no change; without list/watch
      // permission the gateway still starts, re-checking on its interval until the watches work.
      if (!(await watch.listed(config.kube.podMetadata.initialSyncTimeoutMs))) {
        watchLogger.warn('RBAC and ServiceAccount watches not listed in time; check the gateway ClusterRole (docs/security.md)');
      }
    }
  }
  if (config.podMetadata.kind === 'file') {
    const pods = new FilePodMetadata(
      config.podMetadata.path,
      config.podMetadata.reloadIntervalMs,
      logger.child({ component: 'pod-metadata' }),
    );
    await pods.start();
    stopSteps.push(step('pod metadata file', () => pods.stop()));
    services.set(podMetadataServiceRef.id, pods);
  }
  return { services, accessChanges, stopSteps };
}

/**
 * The bus as plugins see it: string messages on channels under `prefix`. The gateway's own frames
 * (objects in one process) never reach a plugin: those channels are outside the prefix, and
 * anything but a string is ignored.
 */
function pluginBus(bus: LogBus<BusFrame>, prefix: string): PluginBus {
  return {
    // Plugins have no replay: nothing of theirs is kept for it.
    publish: (channel, message) => bus.publish(prefix + channel, message, { replay: false }),
    subscribe: (channel, onMessage) =>
      bus.subscribe(prefix + channel, (message) => {
        if (typeof message === 'string') onMessage(message);
      }),
  };
}

/** What plugins share across replicas and the worker: on Redis with Redis, else in this process. */
function sharedState(config: TailgateConfig, logger: Logger, stopSteps: ShutdownStep[]): SharedState {
  const { url, cluster, clusterNodes, keyPrefix } = config.redis;
  if (url === undefined) return new MemorySharedState();
  const onError = (error: Error, { role, target }: { role: string; target: string }) =>
    logger.warn({ role, target, err: error.name }, 'redis connection failed');
  const redis = createRedisClient({ url, cluster, clusterNodes }, { role: 'commands', onError });
  stopSteps.push(step('shared state', () => closeRedisConnection(redis)));
  // Typed here: RedisSharedState matches the SDK's interface by shape (@tailgate/bus has no SDK dependency).
  const state: SharedState = new RedisSharedState(redis, keyPrefix);
  return state;
}
