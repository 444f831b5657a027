// Settings of the flow-tap plugin, each with its default: where fluentd reaches the gateway's
// ingest endpoint, the Logging's control namespace, how demand is kept, the ingest limits and the
// bounds of one tap stream.
import { z } from 'zod';

import { isNamespace } from './tap-ref';

const MIB = 1024 * 1024;

export const IngestLimitsSchema = z.strictObject({
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(256 * MIB)
    .default(8 * MIB)
    .describe('Largest request body as sent (compressed or not), in bytes; a larger one is answered 413.'),
  maxDecodedBytes: z
    .number()
    .int()
    .min(1024)
    .max(1024 * MIB)
    .default(32 * MIB)
    .describe('Largest body after gunzip, in bytes; a larger one is answered 413.'),
  maxRecords: z.number().int().min(1).max(1_000_000).default(50_000).describe('Most records in one body; more is answered 413.'),
  maxLineBytes: z
    .number()
    .int()
    .min(256)
    .max(16 * MIB)
    .default(256 * 1024)
    .describe('Longest log line kept from a record; longer ones are cut and marked.'),
  maxConcurrent: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(32)
    .describe('Bodies one gateway reads at once; more are answered 503 with Retry-After, which shippers retry.'),
});

export const TapStreamLimitsSchema = z.strictObject({
  maxQueuedRecords: z
    .number()
    .int()
    .min(1_000)
    .max(10_000_000)
    .default(100_000)
    .describe(
      'Records one tap stream holds while it checks their pods or the gateway sends them; whole bodies past it are dropped and counted.',
    ),
  maxTargets: z
    .number()
    .int()
    .min(10)
    .max(1_000_000)
    .default(10_000)
    .describe(
      'Containers one tap stream keeps announced; past it the least recently heard one is announced removed (and anew when it speaks again).',
    ),
  lookupConcurrency: z.number().int().min(1).max(1_000).default(16).describe('Pod metadata lookups one tap stream has pending at once.'),
});

export const FlowTapConfigSchema = z.strictObject({
  ingestUrl: z
    .url()
    .default('http://tailgate-gateway.tailgate.svc:8080')
    .describe('The gateway as fluentd reaches it (a Service URL); taps post to <ingestUrl>/plugins/flow-tap/v1/<kind>/<namespace>/<name>.'),
  controlNamespace: z
    .string()
    .refine(isNamespace, 'a namespace name')
    .default('logging')
    .describe("The Logging's controlNamespace: where ClusterFlows live and tap ClusterOutputs are created."),
  demandTtlMs: z
    .number()
    .int()
    .min(1_000)
    .max(600_000)
    .default(30_000)
    .describe('How long a tap stays wanted after the replica streaming it last said so (it renews at a third of this).'),
  resyncIntervalMs: z
    .number()
    .int()
    .min(1_000)
    .max(3_600_000)
    .default(60_000)
    .describe('How often the worker reconciles every tap against demand: removes leftovers, re-adds refs someone removed.'),
  ingest: IngestLimitsSchema.default(IngestLimitsSchema.parse({})),
  stream: TapStreamLimitsSchema.default(TapStreamLimitsSchema.parse({})),
});

export type FlowTapConfig = z.infer<typeof FlowTapConfigSchema>;
export type IngestLimits = z.infer<typeof IngestLimitsSchema>;
export type TapStreamLimits = z.infer<typeof TapStreamLimitsSchema>;
