// Picks the bus from configuration: in-process when no Redis is configured, Redis otherwise.
import { z } from 'zod';

import type { LogBusHooks } from './handler-errors';
import { InProcessLogBus } from './in-process-log-bus';
import type { ReplayableLogBus } from './log-bus';
import type { RedisConnectionErrorReporter } from './redis-connections';
import { RedisLogBus } from './redis-log-bus';
import { RedisLogBusSettingsSchema } from './redis-log-bus-settings';
import { ReplaySettingsSchema } from './replay-settings';

export const LogBusConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('in-process'), replay: ReplaySettingsSchema }),
  RedisLogBusSettingsSchema.safeExtend({ kind: z.literal('redis') }),
]);

export type LogBusConfig = z.input<typeof LogBusConfigSchema>;

export interface CreateLogBusHooks extends LogBusHooks {
  /** Redis only: hears the first error of each connection outage. */
  readonly onConnectionError?: RedisConnectionErrorReporter;
}

/** Parses `config` (throwing on invalid input) and creates the bus it names. */
export function createLogBus(config: LogBusConfig, hooks: CreateLogBusHooks = {}): ReplayableLogBus {
  const parsed = LogBusConfigSchema.parse(config);
  if (parsed.kind === 'in-process') return new InProcessLogBus({ replay: parsed.replay, onHandlerError: hooks.onHandlerError });
  const { kind: _kind, ...settings } = parsed;
  return new RedisLogBus({ ...settings, ...hooks });
}
