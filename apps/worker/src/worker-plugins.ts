// The plugins the worker carries (those with jobs), and which entries of tailgate.yaml's `plugins`
// it loads: the ones it carries, and third-party ones named by `use:`. The others run in the
// gateway only and are ignored here.
import type { TailgateConfig } from '@tailgate/config';
import flowTap from '@tailgate/plugin-flow-tap';
import type { Plugin } from '@tailgate/plugin-sdk';

export const WORKER_PLUGINS: readonly Plugin<unknown>[] = [flowTap] as Plugin<unknown>[];

/**
 * The configuration the worker loads plugins with: its plugins only, and no authorizers or
 * authenticators to check (the worker admits no one; those plugins stay in the gateway).
 */
export function workerPluginConfig(config: TailgateConfig, carried: readonly Plugin<unknown>[] = WORKER_PLUGINS): TailgateConfig {
  const ids = new Set(carried.map((plugin) => plugin.id));
  const plugins = Object.fromEntries(Object.entries(config.plugins).filter(([id, entry]) => ids.has(id) || entry?.use !== undefined));
  return {
    ...config,
    plugins,
    access: { ...config.access, chain: [] },
    authentication: { ...config.authentication, authenticators: [] },
  };
}
