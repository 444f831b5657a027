// The job runner on Redis (single server or Redis Cluster): one BullMQ queue for every plugin's
// jobs, named `<pluginId>.<name>`. A `producer` (the gateway) only queues; a `worker` (apps/worker)
// also runs them. Same rules as the in-process runner: retries with backoff (our own strategy),
// PermanentJobError → UnrecoverableError, jobId → BullMQ deduplication (coalesces while the job
// waits, is delayed or runs), the dead letter is BullMQ's failed set trimmed to `deadLetterSize`,
// `every` → job schedulers (one run per interval however many workers). A worker killed mid-job
// loses its lock; after `lockMs` the stalled check of any worker queues the job again.
import { closeRedisConnection, createRedisClient, type RedisConnectionErrorReporter, type RedisEndpoint } from '@tailgate/bus';
import { type EnqueueOptions, type PluginLogger, silentLogger } from '@tailgate/plugin-sdk';
import { DelayedError, type Job, type JobsOptions, Queue, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';

import { backoffDelayMs } from './backoff-delay';
import { bullmqPrefix, PLUGIN_JOBS_QUEUE } from './bullmq-prefix';
import { deferralDelayMs } from './job-deferral';
import { DEFAULT_JOB_ATTEMPTS, failureOutcome, failureReason } from './job-failure';
import { type JobMetrics, NO_JOB_METRICS } from './job-metrics';
import { JobQueueError } from './job-queue-error';
import { logFailedRun, pluginIdOf } from './job-run-log';
import {
  DEFAULT_JOB_RUNNER_SETTINGS,
  type DeadLetter,
  type JobRunner,
  type JobRunnerHooks,
  type JobRunnerSettings,
  type RegisteredJobs,
} from './job-runner';
import { runJob } from './run-job';
import { enqueueRefusal, type RunnerPhase } from './runner-phase';

export interface BullmqJobRunnerSettings extends JobRunnerSettings {
  /** How long a worker's lock on a running job lasts unrenewed (renewed every half of it). Default 30 000 ms. */
  readonly lockMs: number;
  /** How often a worker queues again the jobs whose lock lapsed. Default 30 000 ms. */
  readonly stalledIntervalMs: number;
}

export interface BullmqJobRunnerOptions extends JobRunnerHooks {
  readonly redis: RedisEndpoint & { readonly keyPrefix: string };
  /** `worker` runs the jobs and their schedules; `producer` only queues them. */
  readonly mode: 'producer' | 'worker';
  readonly settings?: Partial<BullmqJobRunnerSettings>;
  /** Connections are named `<connectionNamePrefix>:bullmq`. Default `tailgate`. */
  readonly connectionNamePrefix?: string;
  /** Hears the first connection error of each outage. Default: the bus's console reporter. */
  readonly onConnectionError?: RedisConnectionErrorReporter;
}

/** Our backoff, named in each job's options so BullMQ asks the worker's strategy for the delay. */
const BACKOFF_TYPE = 'tailgate';

export class BullmqJobRunner implements JobRunner {
  private phase: RunnerPhase = 'created';
  private jobs: RegisteredJobs = new Map();
  private readonly settings: BullmqJobRunnerSettings;
  private readonly connections: (Redis | Cluster)[] = [];
  private readonly queue: Queue;
  private readonly producerConnection: Redis | Cluster;
  private worker: Worker | undefined;
  private readonly shutdown = new AbortController();
  private readonly metrics: JobMetrics;
  private readonly logger: PluginLogger;
  private readonly pluginLogger: (pluginId: string) => PluginLogger;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: BullmqJobRunnerOptions) {
    this.settings = { ...DEFAULT_JOB_RUNNER_SETTINGS, lockMs: 30_000, stalledIntervalMs: 30_000, ...options.settings };
    this.metrics = options.metrics ?? NO_JOB_METRICS;
    this.logger = options.logger ?? silentLogger;
    this.pluginLogger = options.pluginLogger ?? (() => this.logger);
    this.producerConnection = this.connect();
    this.queue = new Queue(PLUGIN_JOBS_QUEUE, { connection: this.producerConnection, prefix: bullmqPrefix(options.redis.keyPrefix) });
    this.queue.on('error', (error) => this.connectionTrouble('queue', error));
  }

  async enqueue(name: string, data: unknown, options: EnqueueOptions = {}): Promise<void> {
    const refusal = enqueueRefusal(this.phase, this.jobs, name);
    if (refusal) throw refusal;
    this.assertReachable(`job ${name} cannot be queued`);
    await this.queue.add(name, data, {
      ...this.jobOptions(name),
      ...(options.delayMs !== undefined && options.delayMs > 0 && { delay: options.delayMs }),
      ...(options.jobId !== undefined && { deduplication: { id: options.jobId } }),
    });
  }

  async start(jobs: RegisteredJobs): Promise<void> {
    if (this.phase !== 'created') throw new Error('the job runner was started already');
    this.jobs = jobs;
    this.phase = 'started';
    await this.queue.waitUntilReady();
    if (this.options.mode === 'producer') return;
    const worker = new Worker(PLUGIN_JOBS_QUEUE, (job, token) => this.process(job, token), {
      connection: this.connect(),
      prefix: bullmqPrefix(this.options.redis.keyPrefix),
      concurrency: this.settings.concurrency,
      lockDuration: this.settings.lockMs,
      stalledInterval: this.settings.stalledIntervalMs,
      settings: { backoffStrategy: (attemptsMade: number) => backoffDelayMs(attemptsMade, this.settings.backoffBaseMs) },
    });
    worker.on('error', (error) => this.connectionTrouble('worker', error));
    this.worker = worker;
    await worker.waitUntilReady();
    await this.syncSchedules();
  }

  async backlog(): Promise<number> {
    this.assertReachable('the backlog cannot be read');
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'paused');
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  async deadLetters(): Promise<readonly DeadLetter[]> {
    this.assertReachable('the dead letter cannot be read');
    const failed = await this.queue.getFailed(0, this.settings.deadLetterSize - 1);
    return failed.map((job) => ({
      name: job.name,
      data: job.data as unknown,
      attempts: job.attemptsMade,
      reason: job.failedReason,
      failedAt: job.finishedOn ?? job.timestamp,
    }));
  }

  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    this.phase = 'closed';
    // Running jobs see the abort and go back to wait (process); the worker stops fetching and
    // closes once they did.
    this.shutdown.abort();
    await this.worker?.close();
    await this.queue.close();
    await Promise.all(this.connections.map((connection) => closeRedisConnection(connection)));
  }

  private async process(job: Job, token: string | undefined): Promise<void> {
    const attempts = job.opts.attempts ?? DEFAULT_JOB_ATTEMPTS;
    const attempt = job.attemptsMade + 1;
    const pluginId = this.jobs.get(job.name)?.pluginId ?? pluginIdOf(job.name);
    // Fetched while closing: not this process's to start any more.
    if (this.shutdown.signal.aborted) return this.putBack(job, token);
    try {
      await runJob(this.jobs, job.name, job.data, { attempt, logger: this.pluginLogger(pluginId), signal: this.shutdown.signal });
      this.metrics.count(job.name, 'completed');
    } catch (error) {
      if (this.shutdown.signal.aborted) return this.putBack(job, token);
      const deferMs = deferralDelayMs(error);
      if (deferMs !== undefined) return this.defer(job, token, deferMs);
      const outcome = failureOutcome(error, attempt, attempts);
      const reason = failureReason(error);
      this.metrics.count(job.name, outcome);
      logFailedRun(this.logger, { name: job.name, attempt, attempts, outcome, reason });
      // Only the safe reason reaches Redis (BullMQ stores the message as failedReason).
      throw outcome === 'dead_lettered' ? new UnrecoverableError(reason) : new Error(reason);
    }
  }

  /** Stopped by shutdown, not failed: back to wait without using an attempt; a worker runs it again. */
  private async putBack(job: Job, token: string | undefined): Promise<never> {
    await job.moveToWait(token);
    throw new WaitingError();
  }

  /** Not due yet: delayed without using an attempt (BullMQ's manual delay). */
  private async defer(job: Job, token: string | undefined, delayMs: number): Promise<never> {
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }

  /** Upserts a scheduler per `every` job and removes those of jobs no longer registered. */
  private async syncSchedules(): Promise<void> {
    const wanted = new Set<string>();
    for (const [name, { definition }] of this.jobs) {
      if (definition.every === undefined) continue;
      wanted.add(name);
      await this.queue.upsertJobScheduler(
        name,
        { every: definition.every.intervalMs },
        { name, data: definition.every.data, opts: this.jobOptions(name) },
      );
    }
    for (const scheduler of await this.queue.getJobSchedulers()) {
      if (!wanted.has(scheduler.key)) await this.queue.removeJobScheduler(scheduler.key);
    }
  }

  private jobOptions(name: string): JobsOptions {
    return {
      attempts: this.jobs.get(name)?.definition.attempts ?? DEFAULT_JOB_ATTEMPTS,
      backoff: { type: BACKOFF_TYPE },
      removeOnComplete: true,
      removeOnFail: { count: this.settings.deadLetterSize },
    };
  }

  /** Our connections wait for Redis forever (BullMQ needs that of a worker); a caller (a producer, a scrape) must not. */
  private assertReachable(what: string): void {
    if (this.producerConnection.status !== 'ready') throw new JobQueueError('job_queue_unavailable', `${what}: Redis is unreachable`);
  }

  /** A connection of our own with `maxRetriesPerRequest: null`, as BullMQ requires; closed by close(). */
  private connect(): Redis | Cluster {
    const connection = createRedisClient(this.options.redis, {
      role: 'bullmq',
      ...(this.options.connectionNamePrefix !== undefined && { connectionNamePrefix: this.options.connectionNamePrefix }),
      ...(this.options.onConnectionError !== undefined && { onError: this.options.onConnectionError }),
    });
    this.connections.push(connection);
    return connection;
  }

  private connectionTrouble(part: 'queue' | 'worker', error: Error): void {
    if (this.phase === 'closed') return;
    this.logger.warn({ part, reason: failureReason(error) }, 'job queue connection trouble');
  }
}
