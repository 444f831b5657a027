import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { PromJobMetrics } from './prom-job-metrics';

describe('PromJobMetrics', () => {
  it('counts each failed run as failed and as retried or dead-lettered, by job', async () => {
    const registry = new Registry();
    const metrics = new PromJobMetrics(registry);
    for (const outcome of ['completed', 'retried', 'retried', 'dead_lettered'] as const) metrics.count('flow-tap.reconcile', outcome);
    const text = await registry.metrics();
    expect(text).toContain('tailgate_jobs_completed_total{job="flow-tap.reconcile"} 1');
    expect(text).toContain('tailgate_jobs_failed_total{job="flow-tap.reconcile"} 3');
    expect(text).toContain('tailgate_jobs_retried_total{job="flow-tap.reconcile"} 2');
    expect(text).toContain('tailgate_jobs_dead_lettered_total{job="flow-tap.reconcile"} 1');
  });

  it('reads the backlog at each scrape, keeping the last value when the queue cannot be read', async () => {
    const registry = new Registry();
    const metrics = new PromJobMetrics(registry);
    let backlog: () => Promise<number> = async () => 7;
    metrics.observeBacklog(() => backlog());
    expect(await registry.metrics()).toContain('tailgate_jobs_backlog 7');
    backlog = () => Promise.reject(new Error('redis down'));
    expect(await registry.metrics()).toContain('tailgate_jobs_backlog 7');
  });
});
