// The gateway's composition root: builds every part in dependency order, from the plugins and the
// bus up to the Socket.IO server and NestJS, and owns the named shutdown sequence that takes them
// down again. Configuration problems are collected and thrown together before anything listens.
// Used by main.ts, the demo, the tests and the benchmarks.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AUDIT_DELIVERY_JOB, auditDeliveryJob, createAuditTrail, type RecentAuditEvents, withRecentAuditEvents } from '@tailgate/audit';
import { createLogBus, InProcessLogBus, recordsChannel, type ReplayableLogBus } from '@tailgate/bus';
import type { TailgateConfig } from '@tailgate/config';
import { BullmqJobRunner, hostJobName, InProcessJobRunner, type JobRunner, PromJobMetrics, withHostJobs } from '@tailgate/jobs';
import { loadPlugins } from '@tailgate/plugin-host';
import { type JobDefinition, PermanentJobError, type Plugin, podMetadataServiceRef, type PodMetadataService } from '@tailgate/plugin-sdk';
import type pino from 'pino';
import type { Logger } from 'pino';

import { AccessRevalidation } from './access/access-revalidation';
import { AccessService } from './access/access.service';
import { GatewayAudit } from './audit/gateway-audit';
import { AuthenticationService } from './auth/authentication.service';
import { BUNDLED_PLUGINS } from './bundled-plugins';
import { createStreamSupervision } from './cluster/create-stream-supervision';
import { ConnectionAdmission } from './connections/connection-admission';
import { GatewayModule } from './gateway.module';
import { buildHostServices } from './host-services';
import { AuditQuery } from './http/audit-query';
import { createRecentAuditEvents } from './http/create-recent-audit-events';
import { createWebUiRoutes } from './http/create-web-ui-routes';
import { DesktopSession } from './http/desktop-session';
import { GatewayHealth } from './http/gateway-health';
import { PluginHttpRoutes } from './http/plugin-http-routes';
import { ReadableScope } from './http/readable-scope';
import { ROOT_PATHS } from './http/root-paths';
import { createLogger } from './logging/create-logger';
import { NestPinoLogger } from './logging/nest-pino-logger';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { PromAuditMetrics } from './metrics/prom-audit-metrics';
import type { BusFrame } from './model/bus-message';
import { errorName } from './model/error-name';
import { JsonFrameBus } from './model/json-frame-bus';
import { createQuotaStore } from './quotas/create-quota-store';
import { QuotaService } from './quotas/quota.service';
import { ShutdownSequence, step } from './shutdown-sequence';
import { createLogsServer } from './socket/logs-server';
import { PeriodicRecheck } from './socket/periodic-recheck';
import { SessionReview } from './socket/session-review';
import { SocketSettings } from './socket/socket-settings';
import { TailgateIoAdapter } from './socket/tailgate-io-adapter';
import { RedactionProfiles } from './streams/redaction-profiles';
import { StreamSupervisor } from './streams/stream-supervisor';
import { SubscriptionService } from './streams/subscription.service';

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
  /** The web UI's build directory; default apps/web/dist (or `web/` beside the CLI's bundle). */
  readonly webUiDir?: string;
}

export interface RunningGateway {
  readonly app: INestApplication;
  readonly url: string;
  /** The web UI (`<url><basePath>/`); undefined when it is not served. */
  readonly uiUrl: string | undefined;
  readonly port: number;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** The names of the shutdown steps, in the order `close` runs them. */
  readonly shutdownSteps: readonly string[];
  /** The orderly stop: no new connections, streams handed over, then the bus, the plugins and the watches. */
  close(): Promise<void>;
}

export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const logger = createLogger(config.log.level, options.logDestination);
  const pluginLogger = logger.child({ component: 'gateway' });

  // Plugins and what they are given (the bus too: plugins may publish on channels of their own).
  const bus = createBus(config, logger);
  const metrics = new GatewayMetrics();
  // The job runner before the audit trail: with Redis, the webhook's batches are queued as jobs.
  const jobs = createJobRunner(config, metrics, logger);
  // The audit trail first: a sink it cannot open (a policy, token or CA file) fails the start.
  const recentAudit = createRecentAuditEvents(config, logger);
  const audit = await createGatewayAudit(config, metrics, logger, recentAudit, jobs).catch(async (error: unknown) => {
    await Promise.all([bus.close(), recentAudit?.close(), jobs.close()]);
    throw error;
  });
  const pluginHttp = new PluginHttpRoutes(metrics.pluginHttpRequests, logger.child({ component: 'plugin-http' }), config.server.basePath);
  const host = await buildHostServices(config, logger, bus, metrics.registry, pluginHttp).catch(async (error: unknown) => {
    await Promise.all([bus.close(), audit.close(), jobs.close()]);
    throw error;
  });
  const loaded = await loadPlugins({
    bundled: options.bundled ?? BUNDLED_PLUGINS,
    config,
    services: host.services,
    jobQueue: jobs,
    logger: (plugin) => logger.child({ plugin }),
  });
  const redaction = loaded.ok
    ? RedactionProfiles.build(config.redaction, loaded.registry.recordTransforms, config.quotas.tenantFrom, pluginLogger)
    : undefined;
  if (!loaded.ok || redaction?.ok !== true) {
    const steps = [step('jobs', () => jobs.close()), step('bus', () => bus.close()), step('audit trail', () => audit.close())];
    await new ShutdownSequence([...steps, ...host.stopSteps], logger).run();
    throw new ConfigurationError(loaded.ok ? (redaction?.ok === false ? redaction.problems : []) : loaded.problems);
  }
  const { registry } = loaded;
  metrics.describePlugins(loaded.plugins);
  await jobs.start(withHostJobs(registry.jobs, gatewayHostJobs(config)));
  if (config.access.chain.length === 0) logger.warn('access.chain is empty: every target will be denied');

  // The stream model: bus, decisions, quotas, upstream supervision, subscriptions.
  const health = new GatewayHealth();
  bus.onConnectionChange((state) => {
    health.bus = state;
    logger.warn({ state }, 'bus connection changed');
  });
  const access = new AccessService(registry, config.access, metrics, pluginLogger);
  const authentication = new AuthenticationService(registry, config.authentication.authenticators, metrics, pluginLogger);
  const quotas = new QuotaService(createQuotaStore(config, pluginLogger), config.quotas, metrics, pluginLogger);
  const { idleGraceMs, maxBatchRecords, reorderWindowMs, drainTimeoutMs, maxBacklogSinceMs, maxBacklogTail } = config.streams;
  const channelOf = (stream: { key: string }) => recordsChannel(config.redis.keyPrefix, stream.key);
  const supervision = createStreamSupervision(config, bus, metrics, pluginLogger);
  const supervisor = new StreamSupervisor(bus, { channelOf, maxBatchRecords }, supervision.claims, metrics, pluginLogger);

  // The transport: the Socket.IO server first, so subscriptions deliver to its namespace from the start.
  const { io, namespace } = createLogsServer(config.server, metrics);
  const subscriptions = new SubscriptionService(
    {
      registry,
      access,
      supervisor,
      bus: supervision.listenerBus,
      namespace,
      quotas,
      metrics,
      audit,
      redaction: redaction.profiles,
      logger: pluginLogger,
    },
    { idleGraceMs, maxBatchRecords, reorderWindowMs, drainTimeoutMs, maxBacklogSinceMs, maxBacklogTail, channelOf },
  );
  // Cluster changes drop the decisions they affect and re-check the listeners they touch at once;
  // RBAC changes also ask the sources' own checks again (kube-events' `list events`, a Flow's `get`).
  const revalidation = new AccessRevalidation(
    access,
    async (touched, rbac) => {
      await Promise.all([subscriptions.recheckAll(touched), rbac ? subscriptions.recheckAdmissions() : undefined]);
    },
    pluginLogger,
  );
  const unsubscribes = host.accessChanges.map((feed) => feed((change) => revalidation.apply(change)));
  const sessions = new SessionReview(authentication, subscriptions, pluginLogger);
  const recheck = new PeriodicRecheck(sessions, subscriptions, config.access.recheckIntervalMs, pluginLogger);
  const admission = new ConnectionAdmission(authentication, config.connections, metrics, audit, pluginLogger);
  const socketSettings = new SocketSettings(config.streams.listenerBufferBytes, config.streams.connectionBufferBytes);
  const auditQueryLogger = logger.child({ component: 'audit-query' });
  const auditQuery = new AuditQuery({ recent: recentAudit, groups: config.audit.query.groups, authentication, logger: auditQueryLogger });

  const pods = host.services.get(podMetadataServiceRef.id) as PodMetadataService | undefined;
  const readableScope = new ReadableScope({
    authentication,
    access,
    registry,
    pods,
    logger: logger.child({ component: 'readable-scope' }),
  });
  const desktopSession = new DesktopSession(config.server.desktopSession, config.server.host);
  const webUi = await createWebUiRoutes(config.server, options.webUiDir, logger.child({ component: 'web-ui' }));

  const parts = { logger, metrics, health, admission, subscriptions, socketSettings, auditQuery, readableScope, desktopSession };
  const transport = GatewayModule.forRoot(parts);
  const app = await NestFactory.create(transport, {
    logger: new NestPinoLogger(logger.child({ component: 'nest' })),
    // No endpoint of ours reads a parsed body; plugin endpoints get theirs raw and bound it themselves.
    bodyParser: false,
  });
  // Everything a client reaches is under server.basePath; probes and Prometheus talk to the pod at the root.
  if (config.server.basePath !== '/') app.setGlobalPrefix(config.server.basePath, { exclude: [...ROOT_PATHS] });
  // No framework banner on any answer (Express's X-Powered-By).
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  app.use(pluginHttp.middleware);
  if (webUi) app.use(webUi.middleware);
  app.useWebSocketAdapter(new TailgateIoAdapter(app, io));
  const httpServer = app.getHttpServer() as Server;

  const shutdown = new ShutdownSequence(
    [
      step('readiness', () => void (health.ready = false)),
      step('re-checks', () => recheck.stop()),
      // Connections open now stay until their subscriptions end; new ones go to other replicas.
      step('new connections', () => void httpServer.close()),
      // Upstreams stop (other replicas take them over), clients are told `shutdown` and sent elsewhere.
      step('subscriptions', () => subscriptions.shutdown()),
      step('access changes', async () => {
        for (const unsubscribe of unsubscribes) unsubscribe();
        await revalidation.stop();
      }),
      // Every stream has ended (and was recorded so): what is queued is delivered, the sinks close.
      step('audit trail', () => audit.close()),
      // Running jobs are aborted (on Redis: back in the queue) before the plugins and the bus they use go.
      step('jobs', () => jobs.close()),
      step('bus', () => bus.close()),
      step('plugins', () => registry.shutdown((error) => logger.error({ err: errorName(error) }, 'plugin shutdown hook failed'))),
      step('quotas', () => quotas.close()),
      ...host.stopSteps,
      step('transport', () => app.close()),
    ],
    logger,
  );

  await app.listen(config.server.port, config.server.host);
  health.ready = true;
  recheck.start();
  const { port } = httpServer.address() as AddressInfo;
  const host4 = config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host;
  logger.info({ port, plugins: registry.enabledPlugins, bus: config.redis.url ? 'redis' : 'in-process' }, 'gateway listening');
  const url = `http://${host4}:${port}`;
  return {
    app,
    url,
    uiUrl: webUi && `${url}${config.server.basePath === '/' ? '' : config.server.basePath}/`,
    port,
    metrics,
    logger,
    shutdownSteps: shutdown.steps.map((s) => s.name),
    close: () => shutdown.run(),
  };
}

/**
 * The audit trail the `audit:` settings describe (inert when off); its delivery counted on /metrics,
 * what it records also kept in `recent` for GET /audit/events (closed with the trail).
 */
async function createGatewayAudit(
  config: TailgateConfig,
  metrics: GatewayMetrics,
  logger: Logger,
  recent: RecentAuditEvents | undefined,
  jobs: JobRunner,
): Promise<GatewayAudit> {
  const auditLogger = logger.child({ component: 'audit' });
  const recorder = await createAuditTrail(config.audit, {
    metrics: new PromAuditMetrics(metrics.registry),
    // With Redis the webhook's batches are durable jobs the worker posts (gatewayHostJobs).
    ...(config.redis.url !== undefined && {
      webhookJobs: (batch, jobId) => jobs.enqueue(hostJobName(AUDIT_DELIVERY_JOB), batch, { jobId }),
    }),
    onDeliveryFailure: ({ sink, events, error }) => auditLogger.warn({ sink, events, err: errorName(error) }, 'audit events not delivered'),
  });
  return new GatewayAudit(withRecentAuditEvents(recorder, recent));
}

/**
 * The host's own jobs, next to the plugins': with Redis and an audit webhook, `core.audit-deliver`,
 * which this gateway only queues (its attempts are set here, on each job) and the worker runs.
 */
function gatewayHostJobs(config: TailgateConfig): JobDefinition<unknown>[] {
  const { enabled, webhook } = config.audit;
  if (config.redis.url === undefined || !enabled || webhook === undefined) return [];
  const runsInTheWorker = async (): Promise<never> => {
    throw new PermanentJobError('audit batches are posted by the worker');
  };
  return [auditDeliveryJob(webhook.maxAttempts, runsInTheWorker)];
}

/**
 * Without Redis the gateway runs the plugins' jobs itself (the embedded mode); with Redis it only
 * queues them, and `apps/worker` runs them.
 */
function createJobRunner(config: TailgateConfig, metrics: GatewayMetrics, logger: Logger): JobRunner {
  const jobMetrics = new PromJobMetrics(metrics.registry);
  const hooks = {
    metrics: jobMetrics,
    logger: logger.child({ component: 'jobs' }),
    pluginLogger: (plugin: string) => logger.child({ plugin }),
  };
  const { concurrency, backoffBaseMs, deadLetterSize, maxQueued, lockMs, stalledIntervalMs } = config.jobs;
  const { url, cluster, clusterNodes, keyPrefix } = config.redis;
  const runner: JobRunner =
    url === undefined
      ? new InProcessJobRunner({ concurrency, backoffBaseMs, deadLetterSize, maxQueued }, hooks)
      : new BullmqJobRunner({
          redis: { url, cluster, clusterNodes, keyPrefix },
          mode: 'producer',
          settings: { concurrency, backoffBaseMs, deadLetterSize, lockMs, stalledIntervalMs },
          ...hooks,
          onConnectionError: (error, { role, target }) => logger.warn({ role, target, err: error.name }, 'redis connection failed'),
        });
  jobMetrics.observeBacklog(() => runner.backlog());
  return runner;
}

/** In one process messages are handed over as objects; on Redis they travel as JSON. */
function createBus(config: TailgateConfig, logger: Logger): ReplayableLogBus<BusFrame> {
  const onHandlerError = (error: unknown) => logger.error({ err: errorName(error) }, 'bus handler failed');
  const { url, keyPrefix, cluster, clusterNodes, replay } = config.redis;
  if (!url) return new InProcessLogBus<BusFrame>({ replay, onHandlerError });
  return new JsonFrameBus(createLogBus({ kind: 'redis', url, keyPrefix, cluster, clusterNodes, replay }, { onHandlerError }));
}
