// `definePlugin()` makes a plugin: a frozen, versioned value, free of any framework.
import type { ZodType } from 'zod';

import type { PluginContext } from './plugin-context';
import { SDK_VERSION } from './sdk-version';

const PLUGIN_ID = /^[a-z][a-z0-9-]{1,62}$/;

/** A Kubernetes RBAC rule the plugin needs; `tailgate rbac` and k8s/ are generated from these. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

export interface PluginOptions<TConfig> {
  /** Kebab-case, unique per installation: `kube-pod-logs`, `pod-label-policy`. */
  readonly id: string;
  readonly description: string;
  /** Validates this plugin's block of tailgate.yaml; every setting has a default here. */
  readonly configSchema: ZodType<TConfig>;
  readonly rbac?: readonly PolicyRule[];
  /**
   * What its jobs need: the worker's ClusterRole (`tailgate-worker`), apart from the gateway's,
   * since jobs run only in the worker process. Default: none.
   */
  readonly jobRbac?: readonly PolicyRule[];
  register(ctx: PluginContext<TConfig>): void | Promise<void>;
}

export interface Plugin<TConfig = unknown> extends PluginOptions<TConfig> {
  readonly $$type: '@tailgate/Plugin';
  /** Manifest format; the host refuses formats it does not know. */
  readonly manifest: 'v1';
  /**
   * The version of the @tailgate/plugin-sdk that made this value (the plugin package's own copy):
   * the host loads a third-party plugin only when it speaks that SDK's contracts (docs/plugins.md).
   */
  readonly sdkVersion: string;
}

export function definePlugin<TConfig>(options: PluginOptions<TConfig>): Plugin<TConfig> {
  if (!PLUGIN_ID.test(options.id)) {
    throw new TypeError(`invalid plugin id '${options.id}': use 2-63 lowercase letters, digits and dashes, starting with a letter`);
  }
  return Object.freeze({ ...options, $$type: '@tailgate/Plugin' as const, manifest: 'v1' as const, sdkVersion: SDK_VERSION });
}

export function isPlugin(value: unknown): value is Plugin {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { $$type?: unknown }).$$type === '@tailgate/Plugin' &&
    (value as { manifest?: unknown }).manifest === 'v1'
  );
}
