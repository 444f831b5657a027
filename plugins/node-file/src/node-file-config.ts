// Settings of the node-file plugin, each with its default.
import { z } from 'zod';

export const NodeFileConfigSchema = z.strictObject({
  root: z
    .string()
    .min(1)
    .default('/var/log/pods')
    .describe('Directory laid out like /var/log/pods: <namespace>_<pod>_<uid>/<container>/<n>.log.'),
  pollIntervalMs: z
    .number()
    .int()
    .min(1)
    .max(60_000)
    .default(100)
    .describe(
      'How often followed files are checked for new lines when inotify cannot watch them, in ms; watched files are read on their events, and checked every 10 intervals in case one was lost.',
    ),
  watchFiles: z
    .boolean()
    .default(true)
    .describe('Wake on file changes (inotify) instead of waiting for the next poll; polling stays as the fallback.'),
  scanIntervalMs: z
    .number()
    .int()
    .min(1)
    .max(600_000)
    .default(1_000)
    .describe('How often the root is scanned for new pods and containers, in ms.'),
  readChunkBytes: z
    .number()
    .int()
    .min(64)
    .max(16 * 1024 * 1024)
    .default(65_536)
    .describe('Bytes read from a file at once.'),
  maxBatchRecords: z.number().int().min(1).max(10_000).default(100).describe('Most records in one batch a stream yields.'),
  maxLineBytes: z
    .number()
    .int()
    .min(16)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024)
    .describe('Longest reassembled line kept, in bytes; longer lines are truncated and counted in the logs.'),
});
export type NodeFileConfig = z.output<typeof NodeFileConfigSchema>;
