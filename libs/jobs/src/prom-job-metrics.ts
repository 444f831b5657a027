// The runners' counts in a host's Prometheus registry, under the same names in every process that
// runs jobs (the worker, the gateway without Redis): runs by job and outcome, and the backlog,
// read from the runner at each scrape.
import { Counter, Gauge, type Registry } from 'prom-client';

import type { JobMetrics, JobRunOutcome } from './job-metrics';

export class PromJobMetrics implements JobMetrics {
  private readonly outcomes: Record<JobRunOutcome | 'failed', Counter<'job'>>;
  private backlogFeed: (() => Promise<number>) | undefined;

  constructor(registry: Registry) {
    const counter = (outcome: string, help: string): Counter<'job'> =>
      new Counter({ name: `tailgate_jobs_${outcome}_total`, help, labelNames: ['job'] as const, registers: [registry] });
    this.outcomes = {
      completed: counter('completed', 'Job runs that completed, by job (`<pluginId>.<name>`).'),
      failed: counter('failed', 'Job runs that failed (each is then retried or dead-lettered), by job.'),
      retried: counter('retried', 'Failed job runs queued again with backoff, by job.'),
      dead_lettered: counter(
        'dead_lettered',
        'Jobs failed for good (out of attempts, or a permanent failure), kept in the dead letter, by job.',
      ),
    };
    const feed = (): Promise<number | undefined> => this.backlogFeed?.().catch(() => undefined) ?? Promise.resolve(undefined);
    new Gauge({
      name: 'tailgate_jobs_backlog',
      help: 'Jobs waiting or delayed (on Redis: in the queue of all workers), read at each scrape.',
      registers: [registry],
      async collect() {
        // A scrape while Redis is down keeps the last value rather than failing /metrics.
        const backlog = await feed();
        if (backlog !== undefined) this.set(backlog);
      },
    });
  }

  count(name: string, outcome: JobRunOutcome): void {
    if (outcome !== 'completed') this.outcomes.failed.inc({ job: name });
    this.outcomes[outcome].inc({ job: name });
  }

  /** Answers the backlog gauge at each scrape (`runner.backlog()`). */
  observeBacklog(feed: () => Promise<number>): void {
    this.backlogFeed = feed;
  }
}
