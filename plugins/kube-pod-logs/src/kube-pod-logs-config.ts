// Settings of the kube-pod-logs plugin (the `plugins.kube-pod-logs` block).
import { z } from 'zod';

export const KubePodLogsConfigSchema = z.strictObject({
  retryMinMs: z
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(500)
    .describe('First pause before re-requesting a container log that ended or failed.'),
  retryMaxMs: z
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(30_000)
    .describe('Longest pause between re-requests (the backoff doubles up to it).'),
  watchTimeoutSeconds: z
    .number()
    .int()
    .min(10)
    .max(3_600)
    .default(300)
    .describe('Server-side timeout of the pod watch before it is re-opened.'),
  deletionDrainMs: z
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(2_000)
    .describe("How long a deleted pod's containers may still deliver their last lines before their targets end."),
  backlogConcurrency: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(8)
    .describe('pods/log requests of one backlog being opened at once; each stays open while the backlog is read, merged oldest first.'),
  maxLineBytes: z
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(256 * 1024)
    .describe('Longest line kept; the rest of a longer line is dropped.'),
  maxBatchRecords: z.number().int().min(1).max(10_000).default(100).describe('Most records in one batch the source hands over.'),
  namespaces: z
    .array(
      z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'not a namespace name')
        .max(63),
    )
    .max(50)
    .default([])
    .describe(
      'Namespaces a selector without `namespaces` reads; empty (default): every namespace. Desktop mode (`tailgate serve`) sets those the kubeconfig user may read, so nobody asks for a cluster-wide watch they may not make.',
    ),
});
export type KubePodLogsConfig = z.output<typeof KubePodLogsConfigSchema>;
