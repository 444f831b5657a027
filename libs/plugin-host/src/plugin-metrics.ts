// Plugins' counters in a host's Prometheus registry (the gateway's or the worker's `/metrics`). A
// plugin names its own counters under `tailgate_`; it can never take, or add series to, a metric
// of the host's own.
import type { PluginMetrics } from '@tailgate/plugin-sdk';
import { Counter, type Registry } from 'prom-client';

const PLUGIN_METRIC_NAME = /^tailgate_[a-z0-9_]+_total$/;

export function pluginMetrics(registry: Registry): PluginMetrics {
  const owned = new Map<string, Counter>();
  return {
    counter({ name, help, labelNames }) {
      let counter = owned.get(name);
      if (counter === undefined) {
        if (!PLUGIN_METRIC_NAME.test(name)) throw new TypeError(`plugin counter ${name}: name it tailgate_<plugin>_<what>_total`);
        if (registry.getSingleMetric(name) !== undefined) throw new TypeError(`plugin counter ${name}: the host has a metric of that name`);
        counter = new Counter({ name, help, labelNames: [...labelNames], registers: [registry] });
        owned.set(name, counter);
      }
      const own = counter;
      return { inc: (labels, value = 1) => own.inc(labels, value) };
    },
  };
}
