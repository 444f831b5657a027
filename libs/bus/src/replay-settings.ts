// Bounds of the per-channel replay buffer both buses keep (what a resuming client can get back),
// with their defaults.
import { z } from 'zod';

export const ReplaySettingsSchema = z
  .strictObject({
    /** Newest messages (batches) kept per channel; 0 keeps none and turns replay off. Default 100. */
    maxMessages: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .default(100)
      .describe('Newest messages (record batches) kept per channel for resuming clients; 0 turns replay off.'),
    /** Messages older than this are dropped when the channel next publishes; an idle channel's buffer is deleted after it. Default 60 000 ms. */
    maxAgeMs: z
      .number()
      .int()
      .min(100)
      .max(86_400_000)
      .default(60_000)
      .describe("Messages older than this are dropped at the channel's next publish; an idle channel's buffer is deleted after this long."),
  })
  .prefault({});

export type ReplaySettings = z.output<typeof ReplaySettingsSchema>;
export type ReplaySettingsInput = z.input<typeof ReplaySettingsSchema>;
