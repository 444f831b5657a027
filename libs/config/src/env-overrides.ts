// Environment variables that override tailgate.yaml. Two forms:
//   well-known names: REDIS_URL, PORT, HOST, LOG_LEVEL, TAILGATE_PLUGIN_DIR
//   TAILGATE__<SECTION>__<KEY>=<YAML value>, e.g. TAILGATE__ACCESS__DECISION_TTL_MS=10000,
//   TAILGATE__PLUGINS__STATIC_TOKENS__FILE=/etc/tailgate/tokens.csv (the segment after PLUGINS
//   is a plugin id: STATIC_TOKENS → static-tokens; other segments become camelCase).
import { parse as parseYaml } from 'yaml';

const WELL_KNOWN: Readonly<Record<string, readonly string[]>> = {
  REDIS_URL: ['redis', 'url'],
  PORT: ['server', 'port'],
  HOST: ['server', 'host'],
  LOG_LEVEL: ['log', 'level'],
  TAILGATE_PLUGIN_DIR: ['pluginDirectory'],
};

const PREFIX = 'TAILGATE__';

export interface EnvOverride {
  readonly variable: string;
  readonly path: readonly string[];
  readonly value: unknown;
}

export function envOverrides(env: Readonly<Record<string, string | undefined>>): EnvOverride[] {
  const overrides: EnvOverride[] = [];
  for (const [variable, raw] of Object.entries(env)) {
    if (raw === undefined || raw === '') continue;
    const wellKnown = WELL_KNOWN[variable];
    if (wellKnown) overrides.push({ variable, path: wellKnown, value: parseScalar(raw) });
    else if (variable.startsWith(PREFIX)) overrides.push({ variable, path: pathOf(variable), value: parseScalar(raw) });
  }
  return overrides.sort((a, b) => a.variable.localeCompare(b.variable));
}

function pathOf(variable: string): string[] {
  const segments = variable.slice(PREFIX.length).split('__').filter(Boolean);
  return segments.map((segment, i) =>
    i === 1 && segments[0] === 'PLUGINS' ? segment.toLowerCase().replaceAll('_', '-') : camelCase(segment),
  );
}

function camelCase(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function parseScalar(raw: string): unknown {
  try {
    return parseYaml(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Writes each override into `target` (a plain object from YAML), creating objects on the way. */
export function applyOverrides(target: Record<string, unknown>, overrides: readonly EnvOverride[]): void {
  for (const { path, value } of overrides) {
    let node = target;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    if (last !== undefined) node[last] = value;
  }
}
