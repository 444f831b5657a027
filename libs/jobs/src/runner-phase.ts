// A runner's phase, and what it means for a job being queued: one rule for both runners.
import { JobQueueError } from './job-queue-error';
import type { RegisteredJobs } from './job-runner';

/** `created` until start() binds the jobs; `closed` from close() on. */
export type RunnerPhase = 'created' | 'started' | 'closed';

/** Why a runner in `phase` that knows `jobs` refuses to queue `name`; undefined when it takes it. */
export function enqueueRefusal(phase: RunnerPhase, jobs: RegisteredJobs, name: string): JobQueueError | undefined {
  if (phase === 'created') return new JobQueueError('job_runner_not_started', `job ${name} cannot be queued before the runner starts`);
  if (phase === 'closed') return new JobQueueError('job_runner_closed', `job ${name} cannot be queued: the runner is closed`);
  if (!jobs.has(name)) return new JobQueueError('unknown_job', `no enabled plugin registered the job ${name}`);
  return undefined;
}
