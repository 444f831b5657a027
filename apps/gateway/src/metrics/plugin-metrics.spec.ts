import { describe, expect, it } from 'vitest';

import { GatewayMetrics } from './gateway-metrics';
import { pluginMetrics } from './plugin-metrics';

describe('pluginMetrics', () => {
  it("adds a plugin's counter to the gateway's registry, the same one however often it is asked for", async () => {
    const metrics = new GatewayMetrics();
    const plugin = pluginMetrics(metrics.registry);
    const definition = { name: 'tailgate_agent_records_refused_total', help: 'refused', labelNames: ['reason'] as const };
    plugin.counter(definition).inc({ reason: 'wrong_node' }, 2);
    plugin.counter(definition).inc({ reason: 'wrong_node' });
    expect(await metrics.registry.metrics()).toContain('tailgate_agent_records_refused_total{reason="wrong_node"} 3');
  });

  it("never hands a plugin one of the gateway's own metrics, nor a name outside tailgate_…_total", () => {
    const metrics = new GatewayMetrics();
    const plugin = pluginMetrics(metrics.registry);
    const gatewayCounter = metrics.registry.getMetricsAsArray().find((metric) => metric.name.endsWith('_total'))?.name as string;
    expect(() => plugin.counter({ name: gatewayCounter, help: 'x', labelNames: ['reason'] })).toThrow(/the gateway has a metric/);
    expect(() => plugin.counter({ name: 'process_cpu_seconds_total', help: 'x', labelNames: [] })).toThrow(/tailgate_/);
  });
});
