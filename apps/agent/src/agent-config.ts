// The agent's settings, from flags (`--root /x` or `--root=/x`) or the environment
// (`TAILGATE_AGENT_ROOT`); a flag wins over the environment. Parsed once, here, by one schema with
// every default beside it; all problems are reported together (code `config_invalid`).
import { parseArgs } from 'node:util';

import { z } from 'zod';

import { AgentError } from './agent-error';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KIB = 1024;
const MIB = 1024 * KIB;

const integer = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export const AgentConfigSchema = z.strictObject({
  nodeName: z
    .string()
    .max(253)
    .regex(DNS1123_SUBDOMAIN, 'must be a Kubernetes node name')
    .describe('Name of the node this agent runs on (required; the downward API `spec.nodeName`).'),
  root: z.string().min(1).default('/var/log/pods').describe('Pod log directory: <namespace>_<pod>_<uid>/<container>/<n>.log.'),
  containersDir: z
    .string()
    .default('/var/log/containers')
    .describe('Directory of the <pod>_<namespace>_<container>-<id>.log links; empty to ignore them.'),
  stateDir: z
    .string()
    .min(1)
    .default('/var/lib/tailgate-agent')
    .describe('Where resume positions are kept (positions.json, replaced atomically); must be writable.'),
  httpHost: z.string().min(1).default('0.0.0.0').describe('Address of /healthz, /readyz and /metrics.'),
  httpPort: integer(0, 65_535, 9102).describe('Port of /healthz, /readyz and /metrics (0 picks a free one).'),
  maxLineBytes: integer(256, 64 * MIB, MIB).describe(
    'Longest line kept, in bytes; a longer one keeps its first maxLineBytes bytes followed by the marker `…[truncated]`.',
  ),
  readBufferBytes: integer(4 * KIB, 16 * MIB, 256 * KIB).describe('Bytes read from a file at once, into one reused buffer.'),
  maxBatchRecords: integer(1, 10_000, 500).describe('Most records in one batch.'),
  pollIntervalMs: integer(10, 60_000, 1_000).describe(
    'How often followed files are checked when inotify cannot watch them, in ms; watched files are read on their events, and checked every 10 intervals in case one was lost.',
  ),
  scanIntervalMs: integer(100, 600_000, 5_000).describe('How often the pod directories are listed, in ms.'),
  checkpointIntervalMs: integer(100, 600_000, 1_000).describe('How often resume positions are saved while tailing, in ms.'),
  watchFiles: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true')
    .describe('Wake on inotify events of followed directories (polling stays as the fallback).'),
  redisUrl: z
    .string()
    .regex(/^(rediss?:\/\/.+)?$/, 'must be a redis:// or rediss:// URL')
    .default('')
    .describe('Redis the gateways use (redis.url): demand comes and records go through it. Empty: no bus (records stay in-process).'),
  redisKeyPrefix: z
    .string()
    .min(1)
    .regex(/^[^{}]*$/, 'must not contain "{" or "}"')
    .default('tailgate:')
    .describe("The gateways' redis.keyPrefix: the agent's channels are under <prefix>plugins:agent-pod-logs:."),
  gatewayUrl: z
    .string()
    .regex(/^(https?:\/\/.+)?$/, 'must be an http:// or https:// URL')
    .default('')
    .describe(
      "The gateways' URL (their Service, with server.basePath): the agent trades its token there for its node's session key and signs what it publishes. Empty: messages go unsigned, which gateways with the default agentAuthentication refuse: with a bus, the agent is then not ready (unsigned_without_gateway_url) unless `unsigned` is true.",
    ),
  unsigned: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .describe(
      'Publish unsigned on purpose, for gateways with agentAuthentication.mode none: no gatewayUrl, and no readiness problem for it.',
    ),
  tokenFile: z
    .string()
    .min(1)
    .default('/var/run/secrets/tailgate/agent-token')
    .describe("The projected ServiceAccount token (audience the gateways' agentAuthentication.audience), read at every session request."),
  maxContainersPerDemand: integer(1, 10_000, 100).describe(
    'Most containers of this node one stream is served for; the first ones by path.',
  ),
  maxDemands: integer(1, 100_000, 1_000).describe('Most streams served at once; more are refused (too_many_demands).'),
  maxBatchBytes: integer(4 * KIB, 64 * MIB, MIB).describe(
    'Largest record message published, in bytes (a single longer record goes alone).',
  ),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Level of the JSON log.'),
});
export type AgentConfig = z.output<typeof AgentConfigSchema>;
export type AgentSetting = keyof AgentConfig;

const SETTINGS = Object.keys(AgentConfigSchema.shape) as AgentSetting[];

/** `maxLineBytes` → `--max-line-bytes`. */
export function flagOf(setting: AgentSetting): string {
  return setting.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `maxLineBytes` → `TAILGATE_AGENT_MAX_LINE_BYTES`. */
export function envOf(setting: AgentSetting): string {
  return `TAILGATE_AGENT_${flagOf(setting).replace(/-/g, '_').toUpperCase()}`;
}

/** The configuration, or an AgentError `config_invalid` listing every problem. */
export function parseAgentConfig(args: readonly string[], env: NodeJS.ProcessEnv): AgentConfig {
  const flags = parseFlags(args);
  const raw: Record<string, string> = {};
  for (const setting of SETTINGS) {
    const value = flags[flagOf(setting)] ?? env[envOf(setting)];
    // Empty means unset, except where empty is a value of its own.
    if (value !== undefined && (value !== '' || setting === 'containersDir')) raw[setting] = value;
  }
  const parsed = AgentConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const setting = issue.path[0] as AgentSetting;
    return `--${flagOf(setting)} (${envOf(setting)}): ${setting in raw ? issue.message : 'required'}`;
  });
  throw new AgentError('config_invalid', `agent configuration has ${problems.length} problem(s)`, problems);
}

/** One line per setting, for `--help`. */
export function describeAgentSettings(): string {
  return SETTINGS.map(
    (setting) => `  --${flagOf(setting)}, ${envOf(setting)}\n      ${AgentConfigSchema.shape[setting].description ?? ''}`,
  ).join('\n');
}

function parseFlags(args: readonly string[]): Record<string, string | undefined> {
  const options = Object.fromEntries(SETTINGS.map((setting) => [flagOf(setting), { type: 'string' as const }]));
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const problem = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? unknownFlag(error) : 'flags cannot be parsed';
    throw new AgentError('config_invalid', 'agent configuration has 1 problem(s)', [problem]);
  }
}

/** The option's name only: the message would echo more of the command line. */
function unknownFlag(error: unknown): string {
  const match = /'(-[^']*)'/.exec((error as Error).message);
  return `unknown flag ${match?.[1] ?? ''} (known: ${SETTINGS.map((s) => `--${flagOf(s)}`).join(', ')})`;
}
