// Assembles and starts one gateway: configuration problems are collected and thrown together
// before anything listens. Used by main.ts, the demo and the tests.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogBus, type ReplayableLogBus } from '@tailgate/bus';
import { accessChangeOfPod, AccessObjectsWatch, kubeSelfServiceRef, kubeServiceRef, kubeTransportServiceRef } from '@tailgate/kube';
import type { TailgateConfig } from '@tailgate/config';
import { type HostServices, loadPlugins } from '@tailgate/plugin-host';
import { type Plugin, podMetadataServiceRef } from '@tailgate/plugin-sdk';
import type pino from 'pino';
import type { Logger } from 'pino';

import { BUNDLED_PLUGINS } from './bundled-plugins';
import { GatewayModule } from './gateway.module';
import { createKubeHostServices } from './kube/kube-host-services';
import type { AccessChangeFeed, GatewayRuntime } from './gateway-runtime';
import { createLogger } from './logging/create-logger';
import { NestPinoLogger } from './logging/nest-pino-logger';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { FilePodMetadata } from './pod-metadata/file-pod-metadata';
import { TailgateIoAdapter } from './socket/tailgate-io-adapter';

export class ConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`configuration has ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigurationError';
  }
}

export interface StartGatewayOptions {
  readonly config: TailgateConfig;
  readonly bundled?: readonly Plugin<unknown>[];
  /** Where the JSON log goes; default stdout. */
  readonly logDestination?: pino.DestinationStream;
}

export interface RunningGateway {
  readonly app: INestApplication;
  readonly url: string;
  readonly port: number;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  close(): Promise<void>;
}

export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const logger = createLogger(config.log.level, options.logDestination);
  const onClose: (() => Promise<void> | void)[] = [];
  const accessChanges: AccessChangeFeed[] = [];
  const services = await hostServices(config, logger, onClose, accessChanges);
  const loaded = await loadPlugins({
    bundled: options.bundled ?? BUNDLED_PLUGINS,
    config,
    services,
    logger: (plugin) => logger.child({ plugin }),
  });
  if (!loaded.ok) {
    for (const close of onClose) await close();
    throw new ConfigurationError(loaded.problems);
  }
  if (config.access.chain.length === 0) logger.warn('access.chain is empty: every target will be denied');
  const bus = createBus(config, logger);
  const metrics = new GatewayMetrics();
  const runtime: GatewayRuntime = {
    config,
    registry: loaded.registry,
    bus,
    logger,
    metrics,
    state: { ready: false, bus: 'up' },
    onClose,
    accessChanges,
  };
  bus.onConnectionChange((state) => {
    runtime.state.bus = state;
    logger.warn({ state }, 'bus connection changed');
  });
  const app = await NestFactory.create(GatewayModule.forRoot(runtime), { logger: new NestPinoLogger(logger.child({ component: 'nest' })) });
  app.useWebSocketAdapter(new TailgateIoAdapter(app, config.server, metrics));
  // SIGTERM closes the app (streams handed over, clients sent elsewhere), then exits 0.
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.listen(config.server.port, config.server.host);
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const host = config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host;
  logger.info({ port, plugins: loaded.registry.enabledPlugins, bus: config.redis.url ? 'redis' : 'in-process' }, 'gateway listening');
  return { app, url: `http://${host}:${port}`, port, metrics, logger, close: () => app.close() };
}

async function hostServices(
  config: TailgateConfig,
  logger: Logger,
  onClose: (() => Promise<void> | void)[],
  accessChanges: AccessChangeFeed[],
): Promise<HostServices> {
  const services = new Map<string, unknown>();
  if (config.kube) {
    const kube = await createKubeHostServices(config, config.kube, logger.child({ component: 'kube' }));
    services.set(kubeServiceRef.id, kube.api);
    services.set(kubeSelfServiceRef.id, kube.self);
    services.set(kubeTransportServiceRef.id, kube.http);
    if (config.podMetadata.kind === 'kubernetes') {
      kube.podMetadata.start();
      onClose.push(() => kube.podMetadata.stop());
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
      onClose.push(() => watch.stop());
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
    onClose.push(() => pods.stop());
    services.set(podMetadataServiceRef.id, pods);
  }
  return services;
}

function createBus(config: TailgateConfig, logger: Logger): ReplayableLogBus {
  const onHandlerError = (error: unknown) => logger.error({ err: error instanceof Error ? error.name : 'unknown' }, 'bus handler failed');
  const { url, keyPrefix, cluster, clusterNodes, replay } = config.redis;
  if (!url) return createLogBus({ kind: 'in-process', replay }, { onHandlerError });
  return createLogBus({ kind: 'redis', url, keyPrefix, cluster, clusterNodes, replay }, { onHandlerError });
}
