// What the runners count, without a metrics library: the host backs it with its own registry
// (the worker: prom-client), tests with MemoryJobMetrics.

/**
 * What became of one run: `completed`; or it failed and is `retried` later, or `dead_lettered`
 * (out of attempts, or failed permanently).
 */
export type JobRunOutcome = 'completed' | 'retried' | 'dead_lettered';

export interface JobMetrics {
  /** One run of `name` (`<pluginId>.<name>`) ended with `outcome`. */
  count(name: string, outcome: JobRunOutcome): void;
}

export const NO_JOB_METRICS: JobMetrics = { count: () => undefined };

/** Counts in memory: for tests and hosts without `/metrics`. */
export class MemoryJobMetrics implements JobMetrics {
  private readonly counts = new Map<string, number>();

  count(name: string, outcome: JobRunOutcome): void {
    const key = `${name} ${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Runs of `name` that ended with `outcome`. */
  value(name: string, outcome: JobRunOutcome): number {
    return this.counts.get(`${name} ${outcome}`) ?? 0;
  }
}
