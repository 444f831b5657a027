// Counters a plugin adds to the host's Prometheus metrics (`/metrics`), without depending on a
// metrics library: the host backs them with its own registry. Names are the plugin's to choose,
// under `tailgate_`; label values must come from a small fixed set (codes, never names or lines).
import { createServiceRef } from './service-ref';

export interface PluginCounterDefinition<L extends string> {
  /** `tailgate_<plugin>_<what>_total`. */
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
}

export interface PluginCounter<L extends string> {
  inc(labels: Readonly<Record<L, string>>, value?: number): void;
}

export interface PluginMetrics {
  /** The counter of that name; asking twice for one name gives the same counter. */
  counter<L extends string>(definition: PluginCounterDefinition<L>): PluginCounter<L>;
}

export const pluginMetricsServiceRef = createServiceRef<PluginMetrics>('core.plugin-metrics');

/** Counters in memory, for specs and hosts without a metrics endpoint: `value(name, labels)` reads them. */
export class MemoryPluginMetrics implements PluginMetrics {
  private readonly values = new Map<string, number>();

  counter<L extends string>(definition: PluginCounterDefinition<L>): PluginCounter<L> {
    return {
      inc: (labels, value = 1) => {
        const key = seriesKey(definition.name, labels);
        this.values.set(key, (this.values.get(key) ?? 0) + value);
      },
    };
  }

  /** The count of one series; 0 when never incremented. */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number {
    return this.values.get(seriesKey(name, labels)) ?? 0;
  }
}

function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(labels[key])}`);
  return `${name}{${pairs.join(',')}}`;
}
