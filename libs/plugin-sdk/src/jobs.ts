// Control-plane jobs a plugin defines; the host runs them (BullMQ on Redis in the worker process,
// an in-process runner with the same rules without Redis). Never one job per record.
import type { ZodType } from 'zod';

import type { PluginLogger } from './plugin-logger';

export interface JobContext {
  /** 1 on the first run, then 2, 3, … on retries. */
  readonly attempt: number;
  readonly logger: PluginLogger;
  /** Aborted when the runner shuts down; stop and throw, the job runs again later. */
  readonly signal: AbortSignal;
}

export interface JobDefinition<D = unknown> {
  /** Local name; the queued job's name is `<pluginId>.<name>`. */
  readonly name: string;
  /** Parses the data of every run, so a job queued by an older version fails cleanly. */
  readonly data: ZodType<D>;
  /** Attempts before the job is marked failed (and kept with the failed ones). Default 5. */
  readonly attempts?: number;
  /**
   * Also run every `intervalMs` with `data`, and once soon after the runner starts; however many
   * workers run, one run per interval.
   */
  readonly every?: { readonly intervalMs: number; readonly data: D };
  /**
   * Must be idempotent: a run can repeat after a crash. Throw PermanentJobError to fail without
   * retrying; any other error retries with exponential backoff.
   */
  handle(data: D, ctx: JobContext): Promise<void>;
}

export interface EnqueueOptions {
  /**
   * While a job with this id waits, is delayed or runs, another with the same id is not added:
   * repeated triggers of one piece of work coalesce. A job that must see a change made while it
   * runs re-reads its state before it finishes.
   */
  readonly jobId?: string;
  /** Run no sooner than this many ms from now. */
  readonly delayMs?: number;
}

/** What `addJob()` returns: queues runs of that job. */
export interface JobHandle<D> {
  /** `<pluginId>.<name>`. */
  readonly name: string;
  /**
   * Queues one run; resolves once it is stored (Redis) or queued (in process). Rejects with
   * `data` that the job's schema refuses, and when the host runs no jobs.
   */
  enqueue(data: D, options?: EnqueueOptions): Promise<void>;
}
