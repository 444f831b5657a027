import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { pluginMetrics } from './plugin-metrics';

describe('pluginMetrics', () => {
  it("adds a plugin's counter to the host's registry, the same one however often it is asked for", async () => {
    const registry = new Registry();
    const plugin = pluginMetrics(registry);
    const definition = { name: 'tailgate_agent_records_refused_total', help: 'refused', labelNames: ['reason'] as const };
    plugin.counter(definition).inc({ reason: 'wrong_node' }, 2);
    plugin.counter(definition).inc({ reason: 'wrong_node' });
    expect(await registry.metrics()).toContain('tailgate_agent_records_refused_total{reason="wrong_node"} 3');
  });

  it("never hands a plugin one of the host's own metrics, nor a name outside tailgate_…_total", () => {
    const registry = new Registry();
    new Counter({ name: 'tailgate_worker_jobs_completed_total', help: 'host', registers: [registry] });
    const plugin = pluginMetrics(registry);
    expect(() => plugin.counter({ name: 'tailgate_worker_jobs_completed_total', help: 'x', labelNames: [] })).toThrow(
      /the host has a metric/,
    );
    expect(() => plugin.counter({ name: 'process_cpu_seconds_total', help: 'x', labelNames: [] })).toThrow(/tailgate_/);
  });
});
