// Boot-time plugin loading: pick the enabled plugins, parse their settings, register them, and
// check that the chain and authenticators refer to things that exist. Every problem is
// collected and reported together; nothing starts on a partial configuration.
import type { TailgateConfig } from '@tailgate/config';
import { formatIssues } from '@tailgate/config';
import { isPlugin, type Plugin, type PluginLogger } from '@tailgate/plugin-sdk';

import type { JobQueue } from './job-queue';
import { createPluginContext, type HostServices } from './plugin-context-impl';
import { PluginRegistry } from './plugin-registry';

export interface LoadPluginsOptions {
  readonly bundled: readonly Plugin<unknown>[];
  readonly config: TailgateConfig;
  readonly services: HostServices;
  /** Where the plugins' job handles queue runs; none in a process that runs no jobs. */
  readonly jobQueue?: JobQueue;
  readonly logger: (pluginId: string) => PluginLogger;
  /** Loads a third-party plugin package named by `use`; default `require`. */
  readonly importPackage?: (name: string) => Promise<unknown>;
}

export type LoadPluginsResult =
  { readonly ok: true; readonly registry: PluginRegistry } | { readonly ok: false; readonly problems: readonly string[] };

export async function loadPlugins(options: LoadPluginsOptions): Promise<LoadPluginsResult> {
  const registry = new PluginRegistry();
  const problems: string[] = [];
  for (const [id, entry] of Object.entries(options.config.plugins)) {
    const { use, ...settings } = entry ?? {};
    const plugin = await resolvePlugin(id, use, options, problems);
    if (!plugin) continue;
    const parsed = plugin.configSchema.safeParse(settings);
    if (!parsed.success) {
      problems.push(...formatIssues(parsed.error.issues, `plugins.${id}`));
      continue;
    }
    const ctx = createPluginContext(
      plugin.id,
      parsed.data,
      registry,
      options.services,
      options.logger(plugin.id),
      problems,
      options.jobQueue,
    );
    try {
      await plugin.register(ctx);
      registry.enabledPlugins.push(plugin.id);
    } catch (error) {
      problems.push(`plugins.${id}: ${error instanceof Error ? error.message : 'registration failed'}`);
    }
  }
  problems.push(...checkReferences(options.config, registry));
  return problems.length === 0 ? { ok: true, registry } : { ok: false, problems };
}

async function resolvePlugin(
  id: string,
  use: unknown,
  options: LoadPluginsOptions,
  problems: string[],
): Promise<Plugin<unknown> | undefined> {
  if (use === undefined) {
    const plugin = options.bundled.find((p) => p.id === id);
    if (!plugin) problems.push(`plugins.${id}: no bundled plugin has this id (bundled: ${options.bundled.map((p) => p.id).join(', ')})`);
    return plugin;
  }
  if (typeof use !== 'string') {
    problems.push(`plugins.${id}.use: must be an npm package name`);
    return undefined;
  }
  return importThirdParty(id, use, options.importPackage ?? defaultImport, problems);
}

async function importThirdParty(
  id: string,
  name: string,
  importPackage: (name: string) => Promise<unknown>,
  problems: string[],
): Promise<Plugin<unknown> | undefined> {
  let loaded: unknown;
  try {
    loaded = await importPackage(name);
  } catch {
    problems.push(`plugins.${id}.use: package ${name} cannot be loaded`);
    return undefined;
  }
  const candidate = (loaded as { default?: unknown } | undefined)?.default ?? loaded;
  if (!isPlugin(candidate)) {
    problems.push(`plugins.${id}.use: ${name} does not export a plugin made with definePlugin()`);
    return undefined;
  }
  if (candidate.id !== id) problems.push(`plugins.${id}.use: ${name} is the plugin '${candidate.id}', not '${id}'`);
  return candidate.id === id ? candidate : undefined;
}

function defaultImport(name: string): Promise<unknown> {
  return import(name) as Promise<unknown>;
}

function checkReferences(config: TailgateConfig, registry: PluginRegistry): string[] {
  const problems: string[] = [];
  config.access.chain.forEach((name, i) => {
    if (!registry.authorizers.has(name)) problems.push(`access.chain.${i}: no enabled plugin provides the authorizer ${name}`);
  });
  config.authentication.authenticators.forEach((name, i) => {
    if (!registry.authenticators.has(name)) {
      problems.push(`authentication.authenticators.${i}: no enabled plugin provides the authenticator ${name}`);
    }
  });
  return problems;
}
