// The worker's one composition root: builds everything in order — log, metrics and the health
// server, the Redis connection of the plugins' shared state, the host services, the job runner
// (BullMQ, worker mode), the plugins, then starts the jobs and readiness — and registers, for each,
// the named step that undoes it; `stop()` (SIGTERM, SIGINT) runs those in reverse: running jobs
// are aborted and go back to the queue before the plugins and connections they use go away.
import { closeRedisConnection, createRedisClient } from '@tailgate/bus';
import type { TailgateConfig } from '@tailgate/config';
import { BullmqJobRunner, type DeadLetter, withHostJobs } from '@tailgate/jobs';
import { loadPlugins } from '@tailgate/plugin-host';
import type { Plugin } from '@tailgate/plugin-sdk';
import { errorCode, ShutdownSequence, startHealthServer } from '@tailgate/process';
import type pino from 'pino';
import type { Logger } from 'pino';

import { createWorkerAuditDelivery } from './worker-audit-delivery';
import { buildWorkerHostServices } from './worker-host-services';
import { WorkerError, type WorkerProblemCode } from './worker-error';
import { createWorkerLogger } from './worker-logger';
import { WorkerMetrics } from './worker-metrics';
import { WORKER_PLUGINS, workerPluginConfig } from './worker-plugins';

export interface StartWorkerOptions {
  /** Where the JSON log goes; default stdout. */
  readonly logDestination?: pino.DestinationStream;
  /** The plugins the worker carries; default WORKER_PLUGINS. */
  readonly plugins?: readonly Plugin<unknown>[];
}

export interface RunningWorker {
  /** Base URL of /healthz, /readyz and /metrics. */
  readonly url: string;
  readonly logger: Logger;
  readonly metrics: WorkerMetrics;
  /** The names of the shutdown steps, in the order `stop` runs them. */
  readonly shutdownOrder: readonly string[];
  /** The plugins loaded, by id. */
  readonly plugins: readonly string[];
  /** What keeps the worker from being ready; empty when ready. */
  problems(): readonly WorkerProblemCode[];
  /** The failed jobs kept, newest first. */
  deadLetters(): Promise<readonly DeadLetter[]>;
  /** Runs the shutdown sequence (once). */
  stop(reason: string): Promise<void>;
}

type WorkerPhase = 'starting' | 'running' | 'stopping';

export async function startWorker(config: TailgateConfig, options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const { url: redisUrl, cluster, clusterNodes, keyPrefix } = config.redis;
  // Checked before anything opens: without Redis there is no queue to take jobs from.
  if (redisUrl === undefined) {
    throw new WorkerError(
      'redis_required',
      'redis.url is not set: the worker runs jobs from Redis (REDIS_URL or redis.url in tailgate.yaml)',
    );
  }
  const logger = createWorkerLogger(config.log.level, options.logDestination);
  const shutdown = new ShutdownSequence('worker', logger);
  shutdown.add('log', () => logger.flush());
  let phase: WorkerPhase = 'starting';
  const redis = createRedisClient({ url: redisUrl, cluster, clusterNodes }, { role: 'commands', onError: connectionErrorLog(logger) });
  const problems = (): WorkerProblemCode[] => {
    if (phase === 'starting') return ['starting'];
    if (phase === 'stopping') return ['shutting_down'];
    return redis.status === 'ready' ? [] : ['redis_unavailable'];
  };
  try {
    const metrics = new WorkerMetrics();
    metrics.observeReadiness(() => problems().length === 0);
    // Up first and down last: probes get answers (503 until ready) while the rest starts and stops.
    const http = await startHealthServer(config.jobs.http.host, config.jobs.http.port, problems, metrics.registry);
    shutdown.add('health server', () => http.close());
    shutdown.add('redis', () => closeRedisConnection(redis));

    const host = await buildWorkerHostServices(config, redis, metrics.registry, logger.child({ component: 'kube' }));
    shutdown.add('host services', () => host.stop());

    // The host's own jobs (audit delivery), whose token and CA files are read now: a bad one fails the start.
    const audit = await createWorkerAuditDelivery(config, redis, logger.child({ component: 'audit' }));
    if (audit !== undefined) shutdown.add('audit webhook', () => audit.close());

    const { concurrency, backoffBaseMs, deadLetterSize, lockMs, stalledIntervalMs } = config.jobs;
    const runner = new BullmqJobRunner({
      redis: { url: redisUrl, cluster, clusterNodes, keyPrefix },
      mode: 'worker',
      settings: { concurrency, backoffBaseMs, deadLetterSize, lockMs, stalledIntervalMs },
      metrics: metrics.jobs,
      logger: logger.child({ component: 'jobs' }),
      pluginLogger: (plugin) => logger.child({ plugin }),
      onConnectionError: connectionErrorLog(logger),
    });
    metrics.jobs.observeBacklog(() => runner.backlog());

    const loaded = await loadPlugins({
      bundled: options.plugins ?? WORKER_PLUGINS,
      config: workerPluginConfig(config, options.plugins ?? WORKER_PLUGINS),
      services: host.services,
      jobQueue: runner,
      logger: (plugin) => logger.child({ plugin }),
    });
    if (!loaded.ok) {
      await runner.close();
      throw new WorkerError('plugins_invalid', 'the plugins cannot be loaded', loaded.problems);
    }
    const { registry } = loaded;
    shutdown.add('plugins', () => registry.shutdown((error) => logger.error({ code: errorCode(error) }, 'plugin shutdown hook failed')));

    // Stops before the plugins: running jobs are aborted and back in the queue before the plugins' hooks run.
    shutdown.add('jobs', () => runner.close());
    const jobs = withHostJobs(registry.jobs, audit === undefined ? [] : [audit.job]);
    await runner.start(jobs);

    phase = 'running';
    shutdown.add('readiness', () => void (phase = 'stopping'));
    logger.info({ url: http.url, plugins: registry.enabledPlugins, jobs: [...jobs.keys()] }, 'worker started');
    return {
      url: http.url,
      logger,
      metrics,
      shutdownOrder: shutdown.order,
      plugins: registry.enabledPlugins,
      problems,
      deadLetters: () => runner.deadLetters(),
      stop: (reason) => shutdown.run(reason),
    };
  } catch (error) {
    await shutdown.run('start failed');
    throw error;
  }
}

function connectionErrorLog(logger: Logger): (error: Error, context: { role: string; target: string }) => void {
  // The target has its password masked by the bus; the error's own text is left out.
  return (error, { role, target }) => logger.warn({ role, target, code: errorCode(error) }, 'redis connection failed');
}
