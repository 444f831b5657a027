// Control-plane jobs a plugin defines; the host runs them (BullMQ with Redis, in process without).
import type { ZodType } from 'zod';

import type { PluginLogger } from './plugin-logger';

export interface JobContext {
  readonly attempt: number;
  readonly logger: PluginLogger;
  readonly signal: AbortSignal;
}

export interface JobDefinition<D = unknown> {
  /** Local name; the queued job's name is `<pluginId>.<name>`. */
  readonly name: string;
  readonly data: ZodType<D>;
  /** Attempts before the job is marked failed. Default 5. */
  readonly attempts?: number;
  /** Must be idempotent. Throw PermanentJobError to fail without retrying. */
  handle(data: D, ctx: JobContext): Promise<void>;
}
