// The worker's start errors: a closed set of codes, each with a message safe to print (never a
// secret, never a Redis password). main.ts prints `<code>: <message>` and exits 1.
export type WorkerErrorCode =
  /** tailgate.yaml or the environment do not validate; `problems` lists every one. */
  | 'config_invalid'
  /** No `redis.url`: the worker runs jobs from Redis only (without it, the gateway runs them in process). */
  | 'redis_required'
  /** The plugins could not be loaded; `problems` lists every one. */
  | 'plugins_invalid'
  /** The health and metrics server cannot listen on its address. */
  | 'listen_failed';

/** Why the worker is not ready (GET /readyz). */
export type WorkerProblemCode = 'starting' | 'redis_unavailable' | 'shutting_down';

export class WorkerError extends Error {
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length === 0 ? message : `${message}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'WorkerError';
  }
}

/** The errno code of a system error (EADDRINUSE, …), else the error's name: safe to log, never its text. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}
