// Settings of the node-logs plugin, each with its default.
import { z } from 'zod';

export const NodeLogsConfigSchema = z.strictObject({
  pollIntervalMs: z
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(2_000)
    .describe('How often a followed query is asked again for new lines (Node Log Query cannot follow), in ms.'),
  retries: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(5)
    .describe('Retries of a query that failed upstream (5xx, network) before the stream ends as upstream_failed.'),
  retryDelayMs: z
    .number()
    .int()
    .min(1)
    .max(60_000)
    .default(500)
    .describe('Wait before the first retry, in ms; doubled for each next one, up to 30 s.'),
  maxBatchRecords: z.number().int().min(1).max(10_000).default(100).describe('Most records in one batch a stream yields.'),
});
export type NodeLogsConfig = z.output<typeof NodeLogsConfigSchema>;
