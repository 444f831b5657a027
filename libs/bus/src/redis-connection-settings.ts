// Settings shared by every Redis connection Tailgate opens, with their defaults, and the
// reconnect backoff they drive.
import { z } from 'zod';

/** What a connection is for; each role gets its own connection and its own name in `CLIENT LIST`. */
export type RedisRole = 'publisher' | 'subscriber' | 'commands' | 'bullmq';

export const RedisConnectionSettingsSchema = z.strictObject({
  /** `CLIENT SETNAME` is `<connectionNamePrefix>:<role>`. Default `tailgate`. */
  connectionNamePrefix: z
    .string()
    .regex(/^[!-~]+$/, 'printable ASCII without spaces (CLIENT SETNAME refuses spaces)')
    .default('tailgate')
    .describe('Connections are named `<connectionNamePrefix>:<role>` in CLIENT LIST.'),
  /** Give up one connection attempt after this long. Default 10 000 ms. */
  connectTimeoutMs: z.number().int().min(1).default(10_000).describe('Abandon one connection attempt after this many milliseconds.'),
  /** Reconnect backoff doubles from 50 ms up to this cap; reconnecting never stops. Default 2 000 ms. */
  reconnectMaxDelayMs: z
    .number()
    .int()
    .min(50)
    .default(2_000)
    .describe('Longest wait between reconnect attempts (backoff doubles from 50 ms); retries never stop.'),
});

export type RedisConnectionSettings = z.output<typeof RedisConnectionSettingsSchema>;
export type RedisConnectionSettingsInput = z.input<typeof RedisConnectionSettingsSchema>;

const FIRST_RECONNECT_DELAY_MS = 50;

/** Delay before reconnect attempt `attempt` (1-based): 50, 100, 200, … ms, capped at `maxDelayMs`. */
export function reconnectDelayMs(attempt: number, maxDelayMs: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(FIRST_RECONNECT_DELAY_MS * 2 ** exponent, maxDelayMs);
}
