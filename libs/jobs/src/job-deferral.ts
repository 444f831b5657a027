// A run that is not failing but not due yet (an audit batch waiting for the one before it): the
// runner puts it back for `delayMs` without using an attempt. Matched by code, like a permanent
// failure, so a job of a package that cannot depend on @tailgate/jobs can throw its own.

export const JOB_DEFERRED = 'job_deferred';

export class JobDeferral extends Error {
  readonly code = JOB_DEFERRED;

  constructor(
    readonly delayMs: number,
    message = 'not due yet',
  ) {
    super(message);
    this.name = 'JobDeferral';
  }
}

/** The wait a deferring run asked for, or undefined when `error` is not a deferral. */
export function deferralDelayMs(error: unknown): number | undefined {
  const candidate = error as { code?: unknown; delayMs?: unknown } | null;
  if (candidate?.code !== JOB_DEFERRED || typeof candidate.delayMs !== 'number') return undefined;
  return Math.max(0, candidate.delayMs);
}
