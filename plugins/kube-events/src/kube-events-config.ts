// Settings of the kube-events plugin (the `plugins.kube-events` block), each with its default.
import { z } from 'zod';

export const KubeEventsConfigSchema = z.strictObject({
  watchTimeoutSeconds: z
    .number()
    .int()
    .min(10)
    .max(3_600)
    .default(300)
    .describe('Server-side timeout of the Event watch before it is re-opened (from where it stopped).'),
  retryDelayMs: z
    .number()
    .int()
    .min(1)
    .max(60_000)
    .default(500)
    .describe('First pause before re-listing after a failed list or watch; doubled for each next failure, up to 30 s.'),
  maxBatchRecords: z.number().int().min(1).max(10_000).default(100).describe('Most records in one batch a re-list hands over.'),
});
export type KubeEventsConfig = z.output<typeof KubeEventsConfigSchema>;
