// How long to wait before each reconnection attempt: doubling from the first delay up to the
// longest, with "equal jitter" (half fixed, half random) so that the clients of a replica that
// went away do not all come back in the same instant.
import type { ReconnectOptions } from './client-options';

export interface ReconnectSettings {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxAttempts: number;
}

export const DEFAULT_RECONNECT: ReconnectSettings = { initialDelayMs: 250, maxDelayMs: 10_000, maxAttempts: Number.POSITIVE_INFINITY };

export function reconnectSettings(options: ReconnectOptions = {}): ReconnectSettings {
  return {
    initialDelayMs: options.initialDelayMs ?? DEFAULT_RECONNECT.initialDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RECONNECT.maxDelayMs,
    maxAttempts: options.maxAttempts ?? DEFAULT_RECONNECT.maxAttempts,
  };
}

/** The delay before attempt `attempt` (1, 2, …); `random` returns a number in [0, 1). */
export function reconnectDelay(attempt: number, settings: ReconnectSettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
