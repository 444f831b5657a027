// The PluginContext the host hands to `register()`: it records registrations into the registry
// and reports duplicate names as boot problems.
import {
  type JobDefinition,
  type JobHandle,
  PluginConfigError,
  type PluginContext,
  type PluginLogger,
  type RecordTransform,
  type ServiceRef,
} from '@tailgate/plugin-sdk';

import type { JobQueue } from './job-queue';
import type { PluginRegistry } from './plugin-registry';

/** Host services by ServiceRef id. */
export type HostServices = ReadonlyMap<string, unknown>;

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

export function createPluginContext<C>(
  pluginId: string,
  config: C,
  registry: PluginRegistry,
  services: HostServices,
  logger: PluginLogger,
  problems: string[],
  jobQueue?: JobQueue,
): PluginContext<C> {
  const add = <T>(kind: string, map: Map<string, T>, name: string, value: T): void => {
    const qualified = `${pluginId}.${name}`;
    if (!NAME.test(name)) problems.push(`plugins.${pluginId}: ${kind} name '${name}' must be kebab-case`);
    else if (map.has(qualified)) problems.push(`plugins.${pluginId}: ${kind} ${qualified} is registered twice`);
    else map.set(qualified, value);
  };
  return {
    pluginId,
    config,
    logger,
    use<T>(ref: ServiceRef<T>): T {
      if (!services.has(ref.id)) throw new PluginConfigError(`needs the host service ${ref.id}, which is not configured`);
      return services.get(ref.id) as T;
    },
    has: (ref) => services.has(ref.id),
    addLogSource: (source) => add('source', registry.sources, source.name, { id: `${pluginId}.${source.name}`, pluginId, source }),
    addAuthorizer: (authorizer) => add('authorizer', registry.authorizers, authorizer.name, authorizer),
    addAuthenticator: (authenticator) => add('authenticator', registry.authenticators, authenticator.name, authenticator),
    addRecordRule: (rule) => add('record rule', registry.recordRules, rule.name, rule),
    addRecordTransform: (transform) =>
      add('record transform', registry.recordTransforms, transform.name, transform as RecordTransform<unknown>),
    addJob: <D>(job: JobDefinition<D>): JobHandle<D> => {
      add('job', registry.jobs, job.name, { pluginId, definition: job });
      return jobHandle(`${pluginId}.${job.name}`, job, jobQueue);
    },
    onShutdown: (hook) => registry.addShutdownHook(hook),
  };
}

function jobHandle<D>(name: string, job: JobDefinition<D>, queue: JobQueue | undefined): JobHandle<D> {
  return {
    name,
    async enqueue(data, options) {
      if (!queue) throw new Error(`job ${name} cannot be queued: this process runs no jobs`);
      const parsed = job.data.safeParse(data);
      if (!parsed.success) throw new TypeError(`job ${name}: data does not match its schema`);
      await queue.enqueue(name, parsed.data, options);
    },
  };
}
