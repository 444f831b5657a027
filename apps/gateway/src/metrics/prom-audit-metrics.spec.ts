import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { PromAuditMetrics } from './prom-audit-metrics';

async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe('PromAuditMetrics', () => {
  it('counts deliveries, failures, retries and drops per sink, and shows the backlog as it is now', async () => {
    const registry = new Registry();
    const metrics = new PromAuditMetrics(registry);
    metrics.delivered('file', 3);
    metrics.delivered('file', 2);
    metrics.delivered('webhook', 1);
    metrics.failed('webhook', 4);
    metrics.retried('webhook');
    metrics.retried('webhook');
    metrics.dropped('webhook', 7, 'backlog_full');
    metrics.dropped('file', 1, 'closed');
    metrics.backlog('webhook', 12);
    metrics.backlog('webhook', 5);

    expect(await value(registry, 'tailgate_audit_events_delivered_total', { sink: 'file' })).toBe(5);
    expect(await value(registry, 'tailgate_audit_events_delivered_total', { sink: 'webhook' })).toBe(1);
    expect(await value(registry, 'tailgate_audit_events_failed_total', { sink: 'webhook' })).toBe(4);
    expect(await value(registry, 'tailgate_audit_retries_total', { sink: 'webhook' })).toBe(2);
    expect(await value(registry, 'tailgate_audit_events_dropped_total', { sink: 'webhook', reason: 'backlog_full' })).toBe(7);
    expect(await value(registry, 'tailgate_audit_events_dropped_total', { sink: 'file', reason: 'closed' })).toBe(1);
    expect(await value(registry, 'tailgate_audit_backlog_events', { sink: 'webhook' })).toBe(5);
  });

  it('names every metric tailgate_audit_…', () => {
    const registry = new Registry();
    new PromAuditMetrics(registry);
    const names = registry.getMetricsAsArray().map((m) => m.name);
    expect(names).toHaveLength(5);
    for (const name of names) expect(name).toMatch(/^tailgate_audit_/);
  });
});
