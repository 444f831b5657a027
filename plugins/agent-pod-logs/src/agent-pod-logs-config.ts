// Settings of the agent-pod-logs plugin, each with its default: how often the gateway renews
// demand and how long agents keep serving it unrenewed, and the embedded agent (no DaemonSet: the
// gateway tails a local pods root itself, behind the same protocol).
import { z } from 'zod';

import { MAX_DEMAND_TTL_MS, MIN_DEMAND_TTL_MS } from './agent-messages';

const MIB = 1024 * 1024;

export const EmbeddedAgentConfigSchema = z.strictObject({
  root: z
    .string()
    .min(1)
    .default('/var/log/pods')
    .describe('Pods root the embedded agent reads: <namespace>_<pod>_<uid>/<container>/<n>.log.'),
  nodeName: z
    .string()
    .min(1)
    .max(253)
    .default('local')
    .describe("Node name the embedded agent speaks for: only pods the gateway's pod metadata binds to this node are served."),
  pollIntervalMs: z
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(250)
    .describe(
      'How often followed files are checked when inotify cannot watch them, in ms; watched files are read on their events, and checked every 10 intervals in case one was lost.',
    ),
  watchFiles: z.boolean().default(true).describe('Wake on inotify events of followed directories.'),
  scanIntervalMs: z.number().int().min(50).max(600_000).default(1_000).describe('How often the pods root is listed, in ms.'),
  readChunkBytes: z
    .number()
    .int()
    .min(4096)
    .max(16 * MIB)
    .default(262_144)
    .describe('Bytes read from a file at once.'),
  maxLineBytes: z
    .number()
    .int()
    .min(256)
    .max(64 * MIB)
    .default(MIB)
    .describe('Longest line kept; longer ones are capped with a marker.'),
  maxBatchRecords: z.number().int().min(1).max(10_000).default(500).describe('Most records in one batch.'),
  maxBatchBytes: z
    .number()
    .int()
    .min(4096)
    .max(64 * MIB)
    .default(MIB)
    .describe('Largest record message published, in bytes.'),
  maxContainersPerDemand: z.number().int().min(1).max(10_000).default(100).describe('Most containers one stream is served for.'),
  maxDemands: z.number().int().min(1).max(100_000).default(1_000).describe('Most streams served at once.'),
});
export type EmbeddedAgentConfig = z.output<typeof EmbeddedAgentConfigSchema>;

export const AgentAuthenticationConfigSchema = z
  .strictObject({
    mode: z
      .enum(['token-review', 'none'])
      .default('token-review')
      .describe(
        "token-review (default): agents trade their pod-bound ServiceAccount token for their node's session key and sign every message; unsigned ones are refused. none: agent messages are taken unsigned (no cluster, or the embedded agent without Redis).",
      ),
    serviceAccount: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, 'must be namespace/name')
      .default('tailgate/tailgate-agent')
      .describe("The agents' ServiceAccount, namespace/name: only its tokens get a session."),
    audience: z.string().min(1).default('tailgate-agent').describe("Audience of the agents' projected tokens."),
    secretFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        "File holding the secret session keys are derived from (at least 32 bytes, not the chart examples' example-only- value; the same Secret in every gateway replica). Required with token-review.",
      ),
    keyTtlMs: z
      .number()
      .int()
      .min(1_000)
      .max(86_400_000)
      .default(600_000)
      .describe(
        'How long a key epoch lasts, in ms: agents renew once per epoch; a key is refused 2 × keyTtlMs after its epoch began at the latest.',
      ),
  })
  .refine((auth) => auth.mode === 'none' || auth.secretFile !== undefined, {
    path: ['secretFile'],
    message: 'required with mode token-review',
  });
export type AgentAuthenticationConfig = z.output<typeof AgentAuthenticationConfigSchema>;

export const AgentPodLogsConfigSchema = z
  .strictObject({
    demandIntervalMs: z.number().int().min(100).max(30_000).default(5_000).describe('How often a running stream renews its demand, in ms.'),
    demandTtlMs: z
      .number()
      .int()
      .min(MIN_DEMAND_TTL_MS)
      .max(MAX_DEMAND_TTL_MS)
      .default(15_000)
      .describe('How long agents serve a demand that is not renewed (a gateway that died), in ms; at least twice demandIntervalMs.'),
    maxQueuedRecords: z
      .number()
      .int()
      .min(100)
      .max(1_000_000)
      .default(50_000)
      .describe('Records a stream holds from agents while the gateway is busy; beyond, new batches are dropped and counted in the log.'),
    rollCallMs: z
      .number()
      .int()
      .min(10)
      .max(10_000)
      .default(300)
      .describe("How long the first stream or backlog read after start waits for agents to answer the gateway's roll call, in ms."),
    agentAnswerMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(5_000)
      .describe(
        'How long a backlog read waits for an agent to answer or send its next page before failing with upstream_unavailable, in ms.',
      ),
    heartbeatTtlMs: z
      .number()
      .int()
      .min(1_000)
      .max(300_000)
      .default(15_000)
      .describe(
        'An agent not heard of for this long (agents say they are there every 5 s) is not asked for backlogs and what it sends is refused, in ms.',
      ),
    agentAuthentication: AgentAuthenticationConfigSchema.default({
      mode: 'token-review',
      serviceAccount: 'tailgate/tailgate-agent',
      audience: 'tailgate-agent',
      keyTtlMs: 600_000,
    }).describe('How agents prove which node they run on (docs/security.md, "Node agents").'),
    routing: z
      .enum(['agents', 'auto'])
      .default('agents')
      .describe(
        "agents (default): every pod is read by its node's agent. auto: pods on nodes with no live agent are read through the apiserver's pods/log (needs kube), with the same cursors.",
      ),
    apiserverRescanMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(1_000)
      .describe('With routing auto: how often a stream looks again which of its pods have no live agent, in ms.'),
    apiserverConcurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(8)
      .describe(
        'With routing auto: pods/log requests of one backlog being opened at once; each stays open while the backlog is read, merged oldest first.',
      ),
    apiserverMaxFollows: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(100)
      .describe(
        "With routing auto: most containers one stream follows through the apiserver at once (as the agents' maxContainersPerDemand); the rest wait for a free one, logged once.",
      ),
    embedded: EmbeddedAgentConfigSchema.optional().describe('Run the agent engine in the gateway process (no Redis, no DaemonSet).'),
  })
  .refine((config) => config.demandTtlMs >= 2 * config.demandIntervalMs, {
    path: ['demandTtlMs'],
    message: 'must be at least twice demandIntervalMs',
  });
export type AgentPodLogsConfig = z.output<typeof AgentPodLogsConfigSchema>;
