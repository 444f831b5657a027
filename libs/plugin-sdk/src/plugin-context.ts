// What a plugin's `register()` receives. Registration only: no connections are opened here.
import type { Authenticator } from './authenticator';
import type { Authorizer, RecordRule } from './authorizer';
import type { JobDefinition, JobHandle } from './jobs';
import type { LogSource } from './log-source';
import type { PluginLogger } from './plugin-logger';
import type { RecordTransform } from './record-transform';
import type { ServiceRef } from './service-ref';

export interface PluginContext<TConfig> {
  readonly pluginId: string;
  /** This plugin's block of tailgate.yaml, already parsed by its `configSchema`. */
  readonly config: TConfig;
  /** Bound to `{ plugin: pluginId }`. Never log tokens or record lines. */
  readonly logger: PluginLogger;
  /** A host service; throws PluginConfigError when the host has none registered. */
  use<T>(ref: ServiceRef<T>): T;
  /**
   * True when the host offers the service. The worker process (jobs only) offers no plugin HTTP
   * and no log bus subscriptions for sources: a plugin registers there only what its jobs need.
   */
  has(ref: ServiceRef<unknown>): boolean;
  addLogSource<S>(source: LogSource<S>): void;
  addAuthorizer(authorizer: Authorizer): void;
  addAuthenticator(authenticator: Authenticator): void;
  addRecordRule<P>(rule: RecordRule<P>): void;
  /** A rewrite of record lines that redaction profiles (tailgate.yaml `redaction`) apply per permission class. */
  addRecordTransform<P>(transform: RecordTransform<P>): void;
  /** Registers a job; the handle queues its runs (from a source, a job, a shutdown hook). */
  addJob<D>(job: JobDefinition<D>): JobHandle<D>;
  /** Runs on shutdown, in reverse registration order. */
  onShutdown(hook: () => Promise<void> | void): void;
}
