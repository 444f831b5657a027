// Runs a plugin's `register()` the way the host does and hands back what it registered, so a
// plugin's tests need no host.
import type { Authenticator } from '../authenticator';
import type { Authorizer, RecordRule } from '../authorizer';
import type { Plugin } from '../define-plugin';
import { PluginConfigError } from '../errors';
import type { EnqueueOptions, JobDefinition } from '../jobs';
import type { LogSource } from '../log-source';
import type { PluginContext } from '../plugin-context';
import { silentLogger } from '../plugin-logger';
import type { RecordTransform } from '../record-transform';
import type { ServiceRef } from '../service-ref';

export interface RegisteredPlugin {
  readonly sources: LogSource<unknown>[];
  readonly authorizers: Authorizer[];
  readonly authenticators: Authenticator[];
  readonly recordRules: RecordRule<unknown>[];
  readonly recordTransforms: RecordTransform<unknown>[];
  readonly jobs: JobDefinition<unknown>[];
  /** Runs queued through the handles `addJob()` returned, in order; a spec runs them itself. */
  readonly enqueued: EnqueuedJob[];
  /** Runs the plugin's shutdown hooks in reverse order. */
  shutdown(): Promise<void>;
}

export interface EnqueuedJob {
  /** `<pluginId>.<name>`. */
  readonly name: string;
  readonly data: unknown;
  readonly options?: EnqueueOptions;
}

export interface TestServices {
  readonly [serviceId: string]: unknown;
}

/** Parses `rawConfig` with the plugin's schema (throwing on problems) and registers the plugin. */
export async function registerForTest<C>(
  plugin: Plugin<C>,
  rawConfig: unknown = {},
  services: TestServices = {},
): Promise<RegisteredPlugin> {
  const config = plugin.configSchema.parse(rawConfig);
  const registered = {
    sources: [] as LogSource<unknown>[],
    authorizers: [] as Authorizer[],
    authenticators: [] as Authenticator[],
    recordRules: [] as RecordRule<unknown>[],
    recordTransforms: [] as RecordTransform<unknown>[],
    jobs: [] as JobDefinition<unknown>[],
    enqueued: [] as EnqueuedJob[],
  };
  const hooks: (() => Promise<void> | void)[] = [];
  const ctx: PluginContext<C> = {
    pluginId: plugin.id,
    config,
    logger: silentLogger,
    use<T>(ref: ServiceRef<T>): T {
      if (!(ref.id in services)) throw new PluginConfigError(`service ${ref.id} is not available`);
      return services[ref.id] as T;
    },
    has: (ref) => ref.id in services,
    addLogSource: (source) => void registered.sources.push(source),
    addAuthorizer: (authorizer) => void registered.authorizers.push(authorizer),
    addAuthenticator: (authenticator) => void registered.authenticators.push(authenticator),
    addRecordRule: (rule) => void registered.recordRules.push(rule),
    addRecordTransform: (transform) => void registered.recordTransforms.push(transform),
    addJob: (job) => {
      registered.jobs.push(job);
      const name = `${plugin.id}.${job.name}`;
      return {
        name,
        enqueue: async (data, options) => {
          job.data.parse(data);
          registered.enqueued.push({ name, data, ...(options ? { options } : {}) });
        },
      };
    },
    onShutdown: (hook) => void hooks.push(hook),
  };
  await plugin.register(ctx);
  return {
    ...registered,
    async shutdown() {
      for (const hook of hooks.reverse()) await hook();
    },
  };
}
