// Everything the enabled plugins registered, by qualified name `<pluginId>.<name>`.
import type { Authenticator, Authorizer, JobDefinition, LogSource, RecordRule, RecordTransform } from '@tailgate/plugin-sdk';

export interface RegisteredSource {
  /** `<pluginId>.<name>`: what clients put in `subscribe.source`. */
  readonly id: string;
  readonly pluginId: string;
  readonly source: LogSource<unknown>;
}

export interface RegisteredJob {
  readonly pluginId: string;
  readonly definition: JobDefinition<unknown>;
}

export class PluginRegistry {
  readonly sources = new Map<string, RegisteredSource>();
  readonly authorizers = new Map<string, Authorizer>();
  readonly authenticators = new Map<string, Authenticator>();
  readonly recordRules = new Map<string, RecordRule<unknown>>();
  /** What redaction profiles name in tailgate.yaml. */
  readonly recordTransforms = new Map<string, RecordTransform<unknown>>();
  /** By `<pluginId>.<name>`: what job runners process. */
  readonly jobs = new Map<string, RegisteredJob>();
  readonly enabledPlugins: string[] = [];
  private readonly shutdownHooks: (() => Promise<void> | void)[] = [];

  addShutdownHook(hook: () => Promise<void> | void): void {
    this.shutdownHooks.push(hook);
  }

  /** Runs every plugin's shutdown hooks in reverse registration order; one failing does not stop the rest. */
  async shutdown(onError: (error: unknown) => void): Promise<void> {
    for (const hook of [...this.shutdownHooks].reverse()) {
      try {
        await hook();
      } catch (error) {
        onError(error);
      }
    }
    this.shutdownHooks.length = 0;
  }
}
