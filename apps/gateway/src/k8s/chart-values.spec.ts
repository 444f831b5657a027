// Every documented values set of the Helm chart deploys a configuration a gateway accepts: the
// core settings parse, every plugin it enables is bundled, and each plugin's block passes that
// plugin's own schema — so no set installs a gateway that refuses to start.
import { describe, expect, it } from 'vitest';

import { BUNDLED_PLUGINS } from '../bundled-plugins';
import { chartConfig, chartValues, chartValuesSets } from './chart-values';

describe('the chart values sets', () => {
  it('are the documented ones', () => {
    expect(chartValuesSets()).toEqual(['embedded', 'ha', 'ingress-monitoring', 'redis-cluster', 'trial-redis']);
  });

  it.each([undefined, ...chartValuesSets()])('%s: enables only bundled plugins, each with settings its schema accepts', (set) => {
    const config = chartConfig(chartValues(set));
    const problems: string[] = [];
    for (const [id, settings] of Object.entries(config.plugins)) {
      const plugin = BUNDLED_PLUGINS.find((candidate) => candidate.id === id);
      if (plugin === undefined) problems.push(`${id}: not bundled`);
      else {
        const parsed = plugin.configSchema.safeParse(settings ?? {});
        if (!parsed.success) problems.push(`${id}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(config.plugins).length).toBeGreaterThan(0);
  });
});
