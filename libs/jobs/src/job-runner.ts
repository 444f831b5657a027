// What both job runners (in process, BullMQ) are to their host: the plugins' JobQueue, plus
// starting the registry's jobs, closing, and the failed jobs kept for inspection.
import type { JobQueue, RegisteredJob } from '@tailgate/plugin-host';
import type { PluginLogger } from '@tailgate/plugin-sdk';

import type { JobMetrics } from './job-metrics';

/** The registry's jobs by `<pluginId>.<name>` (`PluginRegistry.jobs`). */
export type RegisteredJobs = ReadonlyMap<string, RegisteredJob>;

export interface JobRunnerSettings {
  /** Jobs run at once in this process. Default 4. */
  readonly concurrency: number;
  /** Wait before the first retry; it doubles with each further one. Default 1 000 ms. */
  readonly backoffBaseMs: number;
  /** Failed jobs kept (out of attempts, or permanent); older ones are dropped. Default 1 000. */
  readonly deadLetterSize: number;
}

export const DEFAULT_JOB_RUNNER_SETTINGS: JobRunnerSettings = { concurrency: 4, backoffBaseMs: 1_000, deadLetterSize: 1_000 };

/** A job that failed for good, as kept in the dead letter. */
export interface DeadLetter {
  /** `<pluginId>.<name>`. */
  readonly name: string;
  readonly data: unknown;
  /** Runs made, the failing one included. */
  readonly attempts: number;
  /** Safe to log: an error code, and a plugin error's own message; never upstream error text. */
  readonly reason: string;
  readonly failedAt: number;
}

export interface JobRunner extends JobQueue {
  /**
   * Binds the registry's jobs (enqueue refuses names it does not know, and everything before this);
   * a processing runner then starts running them and their `every` schedules.
   */
  start(jobs: RegisteredJobs): Promise<void>;
  /** Jobs waiting or delayed (not running). */
  backlog(): Promise<number>;
  /** The failed jobs kept, newest first. */
  deadLetters(): Promise<readonly DeadLetter[]>;
  /** Aborts the running jobs' signals, waits for them to settle, and stops; enqueue then rejects. Idempotent. */
  close(): Promise<void>;
}

/** What a runner reports to, besides its dead letter. */
export interface JobRunnerHooks {
  readonly metrics?: JobMetrics;
  /** The runner's own log: failed runs (codes, never data), shutdown. Default: none. */
  readonly logger?: PluginLogger;
  /** The log a job of plugin `pluginId` gets as `ctx.logger`. Default: `logger`. */
  readonly pluginLogger?: (pluginId: string) => PluginLogger;
}
