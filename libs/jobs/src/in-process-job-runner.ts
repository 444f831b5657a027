// The job runner of a gateway without Redis: the BullMQ runner's rules — retries with backoff,
// permanent failures, jobId coalescing, a bounded dead letter, `every` schedules — kept in this
// process's memory, with a bound on what may wait. What waits is lost when the process ends: jobs
// are idempotent, and their triggers (and `every`) queue them again in the next process.
import { type EnqueueOptions, type PluginLogger, silentLogger } from '@tailgate/plugin-sdk';

import { backoffDelayMs } from './backoff-delay';
import { DeadLetterList } from './dead-letter-list';
import { everyJobId } from './every-schedule';
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

export interface InProcessJobRunnerSettings extends JobRunnerSettings {
  /** Jobs waiting, delayed or running at most; enqueue refuses more. Default 10 000. */
  readonly maxQueued: number;
}

/** One queued run of a job, from enqueue until it completes or fails for good. */
interface QueuedRun {
  readonly name: string;
  readonly data: unknown;
  readonly jobId: string | undefined;
  /** The number of its next run: 1, then 2, 3, … on retries. */
  attempt: number;
  timer?: NodeJS.Timeout;
}

export class InProcessJobRunner implements JobRunner {
  private phase: RunnerPhase = 'created';
  private jobs: RegisteredJobs = new Map();
  private readonly settings: InProcessJobRunnerSettings;
  private readonly ready: QueuedRun[] = [];
  private readonly delayed = new Set<QueuedRun>();
  private readonly running = new Set<Promise<void>>();
  /** Runs by jobId while they wait, are delayed or run: a second enqueue with that id is a no-op. */
  private readonly byJobId = new Map<string, QueuedRun>();
  private readonly schedules: NodeJS.Timeout[] = [];
  private readonly shutdown = new AbortController();
  private readonly deadLetter: DeadLetterList;
  private readonly metrics: JobMetrics;
  private readonly logger: PluginLogger;
  private readonly pluginLogger: (pluginId: string) => PluginLogger;
  private closing: Promise<void> | undefined;

  constructor(settings: Partial<InProcessJobRunnerSettings> = {}, hooks: JobRunnerHooks = {}) {
    this.settings = { ...DEFAULT_JOB_RUNNER_SETTINGS, maxQueued: 10_000, ...settings };
    this.deadLetter = new DeadLetterList(this.settings.deadLetterSize);
    this.metrics = hooks.metrics ?? NO_JOB_METRICS;
    this.logger = hooks.logger ?? silentLogger;
    this.pluginLogger = hooks.pluginLogger ?? (() => this.logger);
  }

  async enqueue(name: string, data: unknown, options: EnqueueOptions = {}): Promise<void> {
    const refusal = enqueueRefusal(this.phase, this.jobs, name);
    if (refusal) throw refusal;
    if (options.jobId !== undefined && this.byJobId.has(options.jobId)) return;
    if (this.ready.length + this.delayed.size + this.running.size >= this.settings.maxQueued) {
      throw new JobQueueError('job_queue_full', `job ${name} refused: ${this.settings.maxQueued} jobs are queued already (jobs.maxQueued)`);
    }
    const run: QueuedRun = { name, data, jobId: options.jobId, attempt: 1 };
    if (run.jobId !== undefined) this.byJobId.set(run.jobId, run);
    this.schedule(run, options.delayMs ?? 0);
  }

  async start(jobs: RegisteredJobs): Promise<void> {
    if (this.phase !== 'created') throw new Error('the job runner was started already');
    this.jobs = jobs;
    this.phase = 'started';
    for (const [name, { definition }] of jobs) {
      const every = definition.every;
      if (every === undefined) continue;
      // A run soon after start, then one per interval; a run still waiting or running absorbs the next.
      const queue = (): void =>
        void this.enqueue(name, every.data, { jobId: everyJobId(name) }).catch((error: unknown) => this.dropped(name, error));
      queue();
      this.schedules.push(setInterval(queue, every.intervalMs).unref());
    }
  }

  async backlog(): Promise<number> {
    return this.ready.length + this.delayed.size;
  }

  async deadLetters(): Promise<readonly DeadLetter[]> {
    return this.deadLetter.newestFirst();
  }

  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    this.phase = 'closed';
    for (const schedule of this.schedules) clearInterval(schedule);
    for (const run of this.delayed) clearTimeout(run.timer);
    const dropped = this.ready.length + this.delayed.size;
    this.ready.length = 0;
    this.delayed.clear();
    this.shutdown.abort();
    await Promise.allSettled([...this.running]);
    this.byJobId.clear();
    this.logger.info({ dropped }, 'in-process job runner closed');
  }

  private schedule(run: QueuedRun, delayMs: number): void {
    if (delayMs <= 0) {
      this.ready.push(run);
      this.pump();
      return;
    }
    run.timer = setTimeout(() => {
      this.delayed.delete(run);
      this.ready.push(run);
      this.pump();
    }, delayMs).unref();
    this.delayed.add(run);
  }

  private pump(): void {
    while (this.phase === 'started' && this.running.size < this.settings.concurrency) {
      const run = this.ready.shift();
      if (run === undefined) return;
      const execution: Promise<void> = this.execute(run).finally(() => {
        this.running.delete(execution);
        this.pump();
      });
      this.running.add(execution);
    }
  }

  private async execute(run: QueuedRun): Promise<void> {
    const job = this.jobs.get(run.name);
    const attempts = job?.definition.attempts ?? DEFAULT_JOB_ATTEMPTS;
    const ctx = { attempt: run.attempt, logger: this.pluginLogger(job?.pluginId ?? pluginIdOf(run.name)), signal: this.shutdown.signal };
    try {
      await runJob(this.jobs, run.name, run.data, ctx);
      this.metrics.count(run.name, 'completed');
      this.finish(run);
    } catch (error) {
      // Stopped by shutdown: nothing keeps it in this process; its trigger queues it again later.
      if (this.shutdown.signal.aborted) return this.finish(run);
      // Not due yet: back to wait, the same attempt.
      const deferMs = deferralDelayMs(error);
      if (deferMs !== undefined) return this.schedule(run, deferMs);
      const outcome = failureOutcome(error, run.attempt, attempts);
      const reason = failureReason(error);
      this.metrics.count(run.name, outcome);
      logFailedRun(this.logger, { name: run.name, attempt: run.attempt, attempts, outcome, reason });
      if (outcome === 'retried') {
        run.attempt += 1;
        this.schedule(run, backoffDelayMs(run.attempt - 1, this.settings.backoffBaseMs));
        return;
      }
      this.deadLetter.add({ name: run.name, data: run.data, attempts: run.attempt, reason, failedAt: Date.now() });
      this.finish(run);
    }
  }

  private finish(run: QueuedRun): void {
    if (run.jobId !== undefined && this.byJobId.get(run.jobId) === run) this.byJobId.delete(run.jobId);
  }

  private dropped(name: string, error: unknown): void {
    if (this.phase === 'closed') return;
    this.logger.warn({ job: name, reason: failureReason(error) }, 'scheduled job run not queued');
  }
}
