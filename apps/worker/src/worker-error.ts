// The worker's start errors: a closed set of codes, each with a message safe to print (never a
// secret, never a Redis password). main.ts prints `tailgate-worker <code>: <message>` and exits 1;
// the health server's `listen_failed` is @tailgate/process's.
import { ProcessError } from '@tailgate/process';

export type WorkerErrorCode =
  /** tailgate.yaml or the environment do not validate; `problems` lists every one. */
  | 'config_invalid'
  /** No `redis.url`: the worker runs jobs from Redis only (without it, the gateway runs them in process). */
  | 'redis_required'
  /** The plugins could not be loaded; `problems` lists every one. */
  | 'plugins_invalid';

/** Why the worker is not ready (GET /readyz). */
export type WorkerProblemCode = 'starting' | 'redis_unavailable' | 'shutting_down';

export class WorkerError extends ProcessError<WorkerErrorCode> {
  override readonly name = 'WorkerError';
}
