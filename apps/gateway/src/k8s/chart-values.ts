// The Helm chart's values as Helm computes them (k8s/helm/tailgate): values.yaml, overridden by a
// documented values set (ci/<name>-values.yaml), and the tailgate.yaml its ConfigMap carries,
// parsed as the gateway parses it. The RBAC spec holds the chart's role selection to the
// generator with these; the deployment docs list the sets.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseConfig, type TailgateConfig } from '@tailgate/config';
import { parse } from 'yaml';

import { K8S_DIR } from './deployment-config';

export const CHART_DIR = join(K8S_DIR, 'helm', 'tailgate');

export type ChartValues = Record<string, unknown>;

/** The documented values sets: `ci/<name>-values.yaml`, by name, sorted. */
export function chartValuesSets(): string[] {
  return readdirSync(join(CHART_DIR, 'ci'))
    .filter((file) => file.endsWith('-values.yaml'))
    .map((file) => file.slice(0, -'-values.yaml'.length))
    .sort();
}

/** values.yaml, then the named set over it, merged as Helm merges values files. */
export function chartValues(set?: string): ChartValues {
  const defaults = readYamlObject(join(CHART_DIR, 'values.yaml'));
  return set === undefined ? defaults : mergeValues(defaults, readYamlObject(join(CHART_DIR, 'ci', `${set}-values.yaml`)));
}

/**
 * Helm's coalescing of a values file over another: maps merge key by key, `null` deletes a key,
 * anything else (lists included) replaces.
 */
export function mergeValues(base: ChartValues, override: ChartValues): ChartValues {
  const merged: ChartValues = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(current)) merged[key] = mergeValues(current, value);
    else merged[key] = value;
  }
  return merged;
}

/** The ConfigMap's tailgate.yaml of these values, parsed as the gateway parses it. */
export function chartConfig(values: ChartValues): TailgateConfig {
  const parsed = parseConfig(values.config ?? {});
  if (!parsed.ok) throw new Error(`chart values config: ${parsed.problems.join('; ')}`);
  return parsed.config;
}

function readYamlObject(file: string): ChartValues {
  const value: unknown = parse(readFileSync(file, 'utf8'));
  if (!isMap(value)) throw new Error(`${file} is not a YAML map`);
  return value;
}

function isMap(value: unknown): value is ChartValues {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
