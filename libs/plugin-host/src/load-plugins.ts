// Boot-time plugin loading: pick the enabled plugins (bundled, or third-party packages named by
// `use:` and checked against the SDK they were built with), parse their settings, register them,
// and check that the chain and authenticators refer to things that exist. Every problem is
// collected and reported together; nothing starts on a partial configuration.
import type { TailgateConfig } from '@tailgate/config';
import { formatIssues } from '@tailgate/config';
import { isPlugin, type Plugin, type PluginLogger, SDK_VERSION } from '@tailgate/plugin-sdk';

import type { JobQueue } from './job-queue';
import { createPluginContext, type HostServices } from './plugin-context-impl';
import { loadPluginPackage, type PackageRoot } from './plugin-package';
import { PluginRegistry } from './plugin-registry';
import { isSdkCompatible, parseSdkVersion, type SdkVersion, supportedSdkRange } from './sdk-compatibility';

export interface LoadPluginsOptions {
  readonly bundled: readonly Plugin<unknown>[];
  readonly config: TailgateConfig;
  readonly services: HostServices;
  /** Where the plugins' job handles queue runs; none in a process that runs no jobs. */
  readonly jobQueue?: JobQueue;
  readonly logger: (pluginId: string) => PluginLogger;
  /**
   * Where the app's own node_modules are looked up from, after `config.pluginDirectory`; default
   * this module's directory (inside the app's node_modules, or the repository's).
   */
  readonly appDirectory?: string;
}

/** What an enabled plugin is and where it came from, for `/metrics` and the logs. */
export interface LoadedPlugin {
  readonly id: string;
  /** The @tailgate/plugin-sdk version it was built with (its stamp). */
  readonly sdkVersion: string;
  /** The npm package `use:` named; undefined for a plugin bundled with the app. */
  readonly package?: { readonly name: string; readonly version: string };
}

export type LoadPluginsResult =
  | { readonly ok: true; readonly registry: PluginRegistry; readonly plugins: readonly LoadedPlugin[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/** The SDK version this host is built with, parsed once. */
const HOST_SDK = parseSdkVersion(SDK_VERSION) as SdkVersion;

export async function loadPlugins(options: LoadPluginsOptions): Promise<LoadPluginsResult> {
  const registry = new PluginRegistry();
  const problems: string[] = [];
  const loaded: LoadedPlugin[] = [];
  const roots = packageRoots(options);
  for (const [id, entry] of Object.entries(options.config.plugins)) {
    const { use, ...settings } = entry ?? {};
    const resolved = resolvePlugin(id, use, options.bundled, roots, problems);
    if (!resolved) continue;
    const { plugin } = resolved;
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
      loaded.push({ id: plugin.id, sdkVersion: plugin.sdkVersion, ...(resolved.package && { package: resolved.package }) });
    } catch (error) {
      problems.push(`plugins.${id}: ${error instanceof Error ? error.message : 'registration failed'}`);
    }
  }
  problems.push(...checkReferences(options.config, registry));
  return problems.length === 0 ? { ok: true, registry, plugins: loaded } : { ok: false, problems };
}

function packageRoots(options: LoadPluginsOptions): PackageRoot[] {
  const directory = options.config.pluginDirectory;
  return [
    { directory, label: `the plugin directory ${directory}` },
    { directory: options.appDirectory ?? __dirname, label: "the app's node_modules", ancestors: true },
  ];
}

interface ResolvedPlugin {
  readonly plugin: Plugin<unknown>;
  readonly package?: { readonly name: string; readonly version: string };
}

function resolvePlugin(
  id: string,
  use: unknown,
  bundled: readonly Plugin<unknown>[],
  roots: readonly PackageRoot[],
  problems: string[],
): ResolvedPlugin | undefined {
  if (use === undefined) {
    const plugin = bundled.find((p) => p.id === id);
    if (!plugin) problems.push(`plugins.${id}: no bundled plugin has this id (bundled: ${bundled.map((p) => p.id).join(', ')})`);
    return plugin && { plugin };
  }
  if (typeof use !== 'string') {
    problems.push(`plugins.${id}.use: must be an npm package name`);
    return undefined;
  }
  const load = loadPluginPackage(use, roots);
  if (!load.ok) {
    problems.push(`plugins.${id}.use: ${load.problem}`);
    return undefined;
  }
  const { name, version, exports } = load.package;
  const problem = thirdPartyProblem(id, name, exports);
  if (problem !== undefined) {
    problems.push(`plugins.${id}.use: ${problem}`);
    return undefined;
  }
  return { plugin: pluginExport(exports) as Plugin<unknown>, package: { name, version } };
}

/** Why the package's export is not the plugin `id` this host can run; undefined when it is. */
function thirdPartyProblem(id: string, name: string, exports: unknown): string | undefined {
  const candidate = pluginExport(exports);
  if (!isPlugin(candidate)) return `${name} does not export a plugin made with definePlugin()`;
  const stamp = (candidate as { sdkVersion?: unknown }).sdkVersion;
  const range = supportedSdkRange(HOST_SDK);
  if (typeof stamp !== 'string') {
    return `${name} was made with an @tailgate/plugin-sdk that records no version (older than 0.1.0, or not Tailgate's); rebuild it with ${range}`;
  }
  const version = parseSdkVersion(stamp);
  if (!version || !isSdkCompatible(version, HOST_SDK)) {
    return `${name} was built with @tailgate/plugin-sdk ${stamp.slice(0, 64)}; this gateway supports ${range}`;
  }
  if (candidate.id !== id) return `${name} is the plugin '${candidate.id}', not '${id}'`;
  return undefined;
}

/** The plugin of a package's exports: `export default` (CommonJS `exports.default` too) or the module itself. */
function pluginExport(exports: unknown): unknown {
  return (exports as { default?: unknown } | undefined)?.default ?? exports;
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
