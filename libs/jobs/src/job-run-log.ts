// The one log line per failed run, the same from both runners: the job's name, the attempt and
// what follows, with a reason safe to log (failureReason) — never the job's data.
import type { PluginLogger } from '@tailgate/plugin-sdk';

export interface FailedRun {
  readonly name: string;
  readonly attempt: number;
  readonly attempts: number;
  readonly outcome: 'retried' | 'dead_lettered';
  readonly reason: string;
}

export function logFailedRun(logger: PluginLogger, run: FailedRun): void {
  const fields = { job: run.name, attempt: run.attempt, attempts: run.attempts, reason: run.reason };
  if (run.outcome === 'retried') logger.warn(fields, 'job run failed; it will be retried');
  else logger.error(fields, 'job failed for good; kept in the dead letter');
}

/** The plugin a job `<pluginId>.<name>` belongs to. */
export function pluginIdOf(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}
