// What `tailgate logs` was asked to do, resolved once from the flags, the config file's `logs`
// defaults and stern's defaults, and checked: a bad value is a usage error before anything
// connects. Pure: no I/O, so every rule here has a spec.
import { CliError } from '../cli-error';
import type { LogsDefaults } from '../config/cli-config';
import { loadZone } from '../output/go-time';
import { compileGoRegExp } from '../output/line-filters';
import type { TimestampFormat } from '../output/log-renderer';
import { OUTPUT_FORMATS, type OutputFormat } from '../output/output-format';
import { parseGoDuration } from './go-duration';

export const RESOURCE_KINDS = {
  pod: 'pod',
  pods: 'pod',
  po: 'pod',
  deployment: 'deployment',
  deployments: 'deployment',
  deploy: 'deployment',
  statefulset: 'statefulset',
  statefulsets: 'statefulset',
  sts: 'statefulset',
  daemonset: 'daemonset',
  daemonsets: 'daemonset',
  ds: 'daemonset',
  replicaset: 'replicaset',
  replicasets: 'replicaset',
  rs: 'replicaset',
  job: 'job',
  jobs: 'job',
  cronjob: 'cronjob',
  cronjobs: 'cronjob',
  cj: 'cronjob',
} as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[keyof typeof RESOURCE_KINDS];

export type PodQuery =
  | { readonly kind: 'pattern'; readonly pattern: string }
  | { readonly kind: 'resource'; readonly resource: ResourceKind; readonly name: string }
  | { readonly kind: 'none' };

/** The flags as commander hands them over (undefined: not given on the command line). */
export interface LogsFlags {
  readonly namespace?: readonly string[];
  readonly allNamespaces?: boolean;
  readonly selector?: string;
  readonly fieldSelector?: string;
  readonly node?: string;
  readonly container?: string;
  readonly excludeContainer?: readonly string[];
  readonly excludePod?: readonly string[];
  readonly initContainers?: boolean;
  readonly ephemeralContainers?: boolean;
  readonly since?: string;
  readonly tail?: string;
  readonly follow?: boolean;
  readonly previous?: boolean;
  readonly timestamps?: string | boolean;
  readonly timezone?: string;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly highlight?: readonly string[];
  readonly output?: string;
  readonly template?: string;
  readonly templateFile?: string;
  readonly color?: string;
  readonly onlyLogLines?: boolean;
  readonly diffContainer?: boolean;
  readonly stdin?: boolean;
  readonly source?: string;
}

export interface LogsSettings {
  readonly query: PodQuery;
  /** Namespaces asked for; empty with `allNamespaces`. */
  readonly namespaces: readonly string[];
  /** -A, or no namespace anywhere: every namespace the user may read. */
  readonly allNamespaces: boolean;
  readonly selector?: string;
  readonly fieldSelector?: string;
  readonly node?: string;
  /** Container regular expression; `.*` matches every container. */
  readonly container: string;
  readonly excludeContainer: readonly string[];
  readonly excludePod: readonly string[];
  readonly initContainers: boolean;
  readonly ephemeralContainers: boolean;
  /** How far back, and whether the user chose it (a default may be shortened to the server's limit). */
  readonly since: { readonly ms: number; readonly explicit: boolean };
  /** Lines per container from the end of the backlog; -1: all of the `since` window. */
  readonly tail: number;
  readonly follow: boolean;
  readonly previous: boolean;
  readonly timestamps?: TimestampFormat;
  readonly timezone: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly highlight: readonly string[];
  readonly output: OutputFormat;
  /** A --template text, or the name of a --template-file to read. */
  readonly template?: { readonly text: string } | { readonly file: string };
  readonly color: 'auto' | 'always' | 'never';
  readonly onlyLogLines: boolean;
  readonly diffContainer: boolean;
  readonly stdin: boolean;
  readonly source?: string;
}

/** Our default --since: the server's default limit (`streams.maxBacklogSinceMs`, 24 h); stern's is 48 h. */
export const DEFAULT_SINCE_MS = 24 * 3_600_000;
/** The protocol's largest `tail`. */
export const MAX_TAIL = 10_000;

export function resolveLogsSettings(queryArg: string | undefined, flags: LogsFlags, defaults: LogsDefaults): LogsSettings {
  let query = queryArg;
  let timestampsFlag = flags.timestamps;
  // `-t web`: commander gave the query to -t's optional value; stern needs `--timestamps=short` too.
  if (typeof timestampsFlag === 'string' && !isTimestampFormat(timestampsFlag) && query === undefined) {
    query = timestampsFlag;
    timestampsFlag = true;
  }
  const allNamespaces = flags.allNamespaces ?? defaults['all-namespaces'] ?? false;
  const namespaces = allNamespaces ? [] : unique(flags.namespace ?? defaults.namespace ?? []);
  const stdin = flags.stdin ?? false;
  const settings: LogsSettings = {
    query: parseQuery(query),
    namespaces,
    allNamespaces: allNamespaces || namespaces.length === 0,
    ...optional('selector', flags.selector ?? defaults.selector),
    ...optional('fieldSelector', flags.fieldSelector ?? defaults['field-selector']),
    ...optional('node', flags.node),
    container: flags.container ?? defaults.container ?? '.*',
    excludeContainer: flags.excludeContainer ?? defaults['exclude-container'] ?? [],
    excludePod: flags.excludePod ?? defaults['exclude-pod'] ?? [],
    initContainers: flags.initContainers ?? defaults['init-containers'] ?? true,
    ephemeralContainers: flags.ephemeralContainers ?? defaults['ephemeral-containers'] ?? true,
    since: resolveSince(flags.since ?? defaults.since),
    tail: resolveTail(flags.tail ?? (defaults.tail === undefined ? undefined : String(defaults.tail))),
    follow: flags.follow ?? !(defaults['no-follow'] ?? false),
    previous: flags.previous ?? false,
    ...optional('timestamps', resolveTimestamps(timestampsFlag, defaults.timestamps)),
    timezone: flags.timezone ?? defaults.timezone ?? 'Local',
    include: flags.include ?? defaults.include ?? [],
    exclude: flags.exclude ?? defaults.exclude ?? [],
    highlight: flags.highlight ?? defaults.highlight ?? [],
    output: resolveOutput(flags.output ?? defaults.output),
    ...optional('template', resolveTemplate(flags, defaults)),
    color: resolveColor(flags.color ?? defaults.color),
    onlyLogLines: flags.onlyLogLines ?? defaults['only-log-lines'] ?? false,
    diffContainer: flags.diffContainer ?? defaults['diff-container'] ?? false,
    stdin,
    ...optional('source', flags.source ?? defaults.source),
  };
  validate(settings);
  return settings;
}

function validate(settings: LogsSettings): void {
  const { query } = settings;
  if (!settings.stdin && query.kind === 'none' && settings.selector === undefined && settings.fieldSelector === undefined) {
    throw CliError.usage('one of a pod query, --selector, --field-selector or --stdin is required');
  }
  if (settings.selector !== undefined && query.kind === 'resource') {
    throw CliError.usage('--selector and the <resource>/<name> query cannot be set at the same time');
  }
  if (!settings.follow && settings.tail === 0) throw CliError.usage('--no-follow cannot be used with --tail=0');
  const patterns: [string, readonly string[]][] = [
    ['the pod query', query.kind === 'pattern' ? [query.pattern] : []],
    ['--container', [settings.container]],
    ['--exclude-container', settings.excludeContainer],
    ['--exclude-pod', settings.excludePod],
    ['--include', settings.include],
    ['--exclude', settings.exclude],
    ['--highlight', settings.highlight],
  ];
  for (const [flag, list] of patterns) {
    for (const pattern of list) {
      try {
        compileGoRegExp(pattern);
      } catch {
        throw CliError.usage(`${flag}: not a valid regular expression`);
      }
    }
  }
  if (loadZone(settings.timezone) === undefined) throw CliError.usage(`--timezone: unknown time zone ${settings.timezone}`);
}

function parseQuery(query: string | undefined): PodQuery {
  if (query === undefined || query === '') return { kind: 'none' };
  const slash = query.indexOf('/');
  if (slash === -1) return { kind: 'pattern', pattern: query };
  const kind = query.slice(0, slash).toLowerCase();
  const name = query.slice(slash + 1);
  const resource = (RESOURCE_KINDS as Readonly<Record<string, ResourceKind>>)[kind.split('.')[0] as string];
  if (resource === undefined || name === '' || name.includes('/')) {
    throw CliError.usage(
      `${query}: a resource query is <kind>/<name> with kind one of pod, deployment, statefulset, daemonset, replicaset, job, cronjob`,
    );
  }
  return { kind: 'resource', resource, name };
}

function resolveSince(value: string | undefined): LogsSettings['since'] {
  if (value === undefined) return { ms: DEFAULT_SINCE_MS, explicit: false };
  const ms = parseGoDuration(value);
  if (ms === undefined) throw CliError.usage(`--since: ${value} is not a duration like 5s, 2m or 3h`);
  return { ms, explicit: true };
}

function resolveTail(value: string | undefined): number {
  if (value === undefined) return -1;
  if (!/^-?\d+$/.test(value)) throw CliError.usage(`--tail: ${value} is not a whole number`);
  const tail = Number(value);
  if (tail < -1 || tail > MAX_TAIL) throw CliError.usage(`--tail: must be -1 (all) or 0 to ${MAX_TAIL}`);
  return tail;
}

function isTimestampFormat(value: string): value is TimestampFormat {
  return value === 'default' || value === 'short';
}

function resolveTimestamps(flag: string | boolean | undefined, fallback: TimestampFormat | undefined): TimestampFormat | undefined {
  if (flag === undefined) return fallback;
  if (flag === true) return 'default';
  if (flag === false) return undefined;
  if (!isTimestampFormat(flag)) throw CliError.usage("--timestamps should be one of 'default' or 'short' (write --timestamps=short)");
  return flag;
}

function resolveOutput(value: string | undefined): OutputFormat {
  if (value === undefined) return 'default';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw CliError.usage("--output should be one of 'default', 'raw', 'json', 'extjson' and 'ppextjson'");
  }
  return value as OutputFormat;
}

function resolveTemplate(flags: LogsFlags, defaults: LogsDefaults): LogsSettings['template'] {
  // As stern: --template-file wins over --template; a flag wins over the config file.
  const file = flags.templateFile ?? (flags.template === undefined ? defaults['template-file'] : undefined);
  if (file !== undefined) return { file };
  const text = flags.template ?? defaults.template;
  return text === undefined || text === '' ? undefined : { text };
}

function resolveColor(value: string | undefined): LogsSettings['color'] {
  if (value === undefined) return 'auto';
  if (value !== 'auto' && value !== 'always' && value !== 'never') {
    throw CliError.usage("--color should be one of 'always', 'never', or 'auto'");
  }
  return value;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((value) => value !== ''))];
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
