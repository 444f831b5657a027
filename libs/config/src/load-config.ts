// Reads tailgate.yaml and the environment into a parsed TailgateConfig, or the full list of
// problems. Problem texts name settings, never their values (they may be secrets).
import { readFileSync } from 'node:fs';

import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

import { applyOverrides, envOverrides } from './env-overrides';
import { type TailgateConfig, TailgateConfigSchema } from './tailgate-config.schema';

export type ConfigResult =
  { readonly ok: true; readonly config: TailgateConfig } | { readonly ok: false; readonly problems: readonly string[] };

export interface LoadConfigOptions {
  /** Path of tailgate.yaml; default `$TAILGATE_CONFIG`, else built-in defaults only. */
  readonly file?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function loadConfig(options: LoadConfigOptions = {}): ConfigResult {
  const env = options.env ?? process.env;
  const file = options.file ?? env.TAILGATE_CONFIG;
  const raw = file === undefined ? ({ ok: true, value: {} } as const) : readYamlFile(file);
  if (!raw.ok) return raw;
  applyOverrides(raw.value, envOverrides(env));
  return parseConfig(raw.value);
}

export function parseConfig(raw: unknown): ConfigResult {
  const parsed = TailgateConfigSchema.safeParse(raw);
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, problems: formatIssues(parsed.error.issues) };
}

/** `path.to.setting: message` for each issue, with the given prefix before the path. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `${path || '(root)'}: ${issue.message}`;
  });
}

function readYamlFile(file: string): { ok: true; value: Record<string, unknown> } | { ok: false; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, problems: [`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`] };
  }
  try {
    const value = (parseYaml(text) as unknown) ?? {};
    if (typeof value === 'object' && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
    return { ok: false, problems: [`${file}: the top level must be a mapping`] };
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    return { ok: false, problems: [`${file}: not valid YAML${line === undefined ? '' : ` (line ${line})`}`] };
  }
}
