// What a failed run means, decided once for both runners: retry, or fail for good (out of
// attempts, or a permanent failure — matched by code, since a plugin may bundle its own SDK copy).
import { isPluginError } from '@tailgate/plugin-sdk';

export const PERMANENT_JOB_FAILURE = 'permanent_job_failure';

/** The SDK's default `attempts`. */
export const DEFAULT_JOB_ATTEMPTS = 5;

export function isPermanentJobFailure(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === PERMANENT_JOB_FAILURE;
}

/** After run `attempt` (1-based) of `attempts` failed with `error`. */
export function failureOutcome(error: unknown, attempt: number, attempts: number): 'retried' | 'dead_lettered' {
  return isPermanentJobFailure(error) || attempt >= attempts ? 'dead_lettered' : 'retried';
}

/**
 * Why a run failed, safe to log and to store in Redis: a plugin error's code and its own message;
 * for anything else only its code or name, since its text may carry upstream details (URLs, tokens).
 */
export function failureReason(error: unknown): string {
  if (isPluginError(error)) return `${error.code}: ${error.message}`;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}
