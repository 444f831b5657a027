// Prometheus metrics of one worker, in a registry of its own (tests run several in a process):
// the jobs' (@tailgate/jobs' PromJobMetrics, named as in the gateway), readiness, the process's,
// and the plugins' own counters (added through @tailgate/plugin-host's pluginMetrics).
import { PromJobMetrics } from '@tailgate/jobs';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export class WorkerMetrics {
  readonly registry = new Registry();
  readonly jobs = new PromJobMetrics(this.registry);
  private isReady: (() => boolean) | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const ready = (): boolean => this.isReady?.() ?? false;
    new Gauge({
      name: 'tailgate_worker_ready',
      help: '1 when /readyz answers 200.',
      registers: [this.registry],
      collect() {
        this.set(ready() ? 1 : 0);
      },
    });
  }

  /** Answers tailgate_worker_ready at each scrape. */
  observeReadiness(isReady: () => boolean): void {
    this.isReady = isReady;
  }
}
