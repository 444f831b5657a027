// The tailgate command's config file: where the gateway is, how to sign in, and defaults for the
// flags of `tailgate logs` (keys are the long flag names, as in stern's config file). Read once,
// parsed by one zod schema; `TAILGATE_SERVER` and `TAILGATE_TOKEN` override the file's values.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { CliError } from '../cli-error';

const stringList = z.union([z.string().transform((value) => [value]), z.array(z.string())]);

/** Defaults for `tailgate logs`; a flag given on the command line wins. */
export const LogsDefaultsSchema = z.strictObject({
  namespace: stringList.optional().describe('Namespaces to read when no -n/-A is given. Default: every namespace you may read.'),
  'all-namespaces': z.boolean().optional(),
  source: z
    .string()
    .optional()
    .describe('Source id. Default: the first offered of kube-pod-logs.pods, agent-pod-logs.pods, node-file.pods.'),
  selector: z.string().optional(),
  'field-selector': z.string().optional(),
  container: z.string().optional(),
  'exclude-container': stringList.optional(),
  'exclude-pod': stringList.optional(),
  'init-containers': z.boolean().optional(),
  'ephemeral-containers': z.boolean().optional(),
  since: z.string().optional(),
  tail: z.number().int().optional(),
  'no-follow': z.boolean().optional(),
  timestamps: z.enum(['default', 'short']).optional(),
  timezone: z.string().optional(),
  include: stringList.optional(),
  exclude: stringList.optional(),
  highlight: stringList.optional(),
  output: z.enum(['default', 'raw', 'json', 'extjson', 'ppextjson']).optional(),
  template: z.string().optional(),
  'template-file': z.string().optional(),
  color: z.enum(['auto', 'always', 'never']).optional(),
  'only-log-lines': z.boolean().optional(),
  'diff-container': z.boolean().optional(),
});
export type LogsDefaults = z.output<typeof LogsDefaultsSchema>;

export const CliConfigSchema = z.strictObject({
  server: z.url().optional().describe('Gateway URL, e.g. https://tailgate.example.com. Env: TAILGATE_SERVER.'),
  token: z.string().min(1).optional().describe('Bearer token for the gateway. Env: TAILGATE_TOKEN.'),
  kubeconfig: z.string().optional().describe('Desktop mode: the kubeconfig to sign in with (when no server is set).'),
  context: z.string().optional().describe('Desktop mode: the kubeconfig context.'),
  logs: LogsDefaultsSchema.default({}),
});
export type CliConfig = z.output<typeof CliConfigSchema>;

/** Where the config file is: `TAILGATE_CLI_CONFIG`, else `~/.config/tailgate/config.yaml`. */
export function cliConfigPath(env: NodeJS.ProcessEnv = process.env): { readonly path: string; readonly explicit: boolean } {
  const explicit = env['TAILGATE_CLI_CONFIG'];
  if (explicit !== undefined && explicit !== '') return { path: explicit, explicit: true };
  return { path: join(env['HOME'] ?? homedir(), '.config', 'tailgate', 'config.yaml'), explicit: false };
}

/**
 * Reads and parses the config file (a missing default file is an empty config; a missing file
 * named by `TAILGATE_CLI_CONFIG` is an error), then applies the environment overrides.
 */
export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const { path, explicit } = cliConfigPath(env);
  const raw = readConfigText(path, explicit);
  const parsed = CliConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new CliError(`config file ${path} is invalid: ${problems.join('; ')}`);
  }
  const server = nonEmpty(env['TAILGATE_SERVER']);
  const token = nonEmpty(env['TAILGATE_TOKEN']);
  return { ...parsed.data, ...(server !== undefined && { server }), ...(token !== undefined && { token }) };
}

function readConfigText(path: string, explicit: boolean): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    // The YAML parser's message names the line and column, never the file's content beyond a snippet of it.
    const where = error instanceof Error && 'linePos' in error ? describeLinePos(error.linePos) : '';
    throw new CliError(`config file ${path} is not valid YAML${where}`);
  }
}

function describeLinePos(linePos: unknown): string {
  const first = Array.isArray(linePos) ? (linePos[0] as { line?: unknown; col?: unknown } | undefined) : undefined;
  return typeof first?.line === 'number' ? ` (line ${first.line}, column ${String(first.col)})` : '';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
