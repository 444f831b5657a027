// Why the runner refused to queue a job: a code a host can map, a message safe to log.

export type JobQueueErrorCode =
  /** The runner was not started yet: it does not know the registry's jobs. */
  | 'job_runner_not_started'
  /** The runner is closing or closed. */
  | 'job_runner_closed'
  /** No enabled plugin registered a job of that name. */
  | 'unknown_job'
  /** On Redis: the queue's connection is down; the caller may try again later (producers fail fast). */
  | 'job_queue_unavailable'
  /** In process: as many jobs as `jobs.maxQueued` wait, are delayed or run already. */
  | 'job_queue_full';

export class JobQueueError extends Error {
  constructor(
    readonly code: JobQueueErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'JobQueueError';
  }
}
