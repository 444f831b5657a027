// Maps stern's flags onto one subscription: picks the source, and puts into its selector what the
// source's JSON Schema (from sources.list) says it can filter. Filters the source cannot apply to
// names are applied by the client (target-filter.ts); filters the client cannot apply either
// (labels, fields, workloads, previous instances, container kinds) are usage errors for that source.
import type { SourceDescription } from '@tailgate/contracts';

import { CliError } from '../cli-error';
import { protocolDuration } from './go-duration';
import type { LogsSettings } from './logs-settings';

/** Tried in this order when --source is not given. */
export const PREFERRED_SOURCES = ['kube-pod-logs.pods', 'agent-pod-logs.pods', 'node-file.pods'] as const;

/** Most patterns a kube-pod-logs selector takes per exclusion list (pod-logs-selector.ts). */
const MAX_EXCLUSIONS = 20;

export interface SubscriptionPlan {
  readonly source: SourceDescription;
  readonly selector: Readonly<Record<string, unknown>>;
  readonly since?: string;
  readonly tail?: number;
  readonly follow: boolean;
}

export function chooseSource(sources: readonly SourceDescription[], wanted: string | undefined): SourceDescription {
  if (wanted !== undefined) {
    const source = sources.find((s) => s.id === wanted);
    if (source === undefined) throw CliError.usage(`--source: the server offers no source ${wanted} (it has: ${sourceIds(sources)})`);
    return source;
  }
  for (const id of PREFERRED_SOURCES) {
    const source = sources.find((s) => s.id === id);
    if (source) return source;
  }
  throw CliError.usage(
    `the server offers none of ${PREFERRED_SOURCES.join(', ')}; choose one with --source (it has: ${sourceIds(sources)})`,
  );
}

function sourceIds(sources: readonly SourceDescription[]): string {
  return sources.length === 0 ? 'none' : sources.map((s) => s.id).join(', ');
}

export function planSubscription(settings: LogsSettings, source: SourceDescription): SubscriptionPlan {
  const properties = selectorProperties(source);
  const supports = (name: string): boolean => properties.has(name);
  const selector: Record<string, unknown> = {};
  const cannot = (what: string): never => {
    throw CliError.usage(`source ${source.id} cannot filter by ${what}`);
  };

  if (!settings.allNamespaces) {
    if (supports('namespaces')) selector['namespaces'] = [...settings.namespaces];
    else if (supports('namespace') && settings.namespaces.length === 1) selector['namespace'] = settings.namespaces[0];
  }

  const { query } = settings;
  if (query.kind === 'pattern' && supports('podPattern')) selector['podPattern'] = query.pattern;
  if (query.kind === 'resource') {
    if (query.resource === 'pod') {
      if (supports('pods')) selector['pods'] = [query.name];
      else if (supports('pod')) selector['pod'] = query.name;
    } else {
      if (!supports('workload')) cannot(`${query.resource}`);
      if (settings.namespaces.length !== 1) throw CliError.usage(`${query.resource}/${query.name} needs exactly one namespace (-n)`);
      selector['workload'] = { kind: query.resource, name: query.name };
    }
  }

  if (settings.selector !== undefined) selector[supports('labelSelector') ? 'labelSelector' : cannot('--selector')] = settings.selector;
  if (settings.fieldSelector !== undefined) {
    selector[supports('fieldSelector') ? 'fieldSelector' : cannot('--field-selector')] = settings.fieldSelector;
  }
  if (settings.node !== undefined) selector[supports('node') ? 'node' : cannot('--node')] = settings.node;
  if (settings.container !== '.*' && supports('containerPattern')) selector['containerPattern'] = settings.container;
  if (settings.excludePod.length > 0 && settings.excludePod.length <= MAX_EXCLUSIONS && supports('excludePods')) {
    selector['excludePods'] = [...settings.excludePod];
  }
  if (settings.excludeContainer.length > 0 && settings.excludeContainer.length <= MAX_EXCLUSIONS && supports('excludeContainers')) {
    selector['excludeContainers'] = [...settings.excludeContainer];
  }
  if (!settings.initContainers || !settings.ephemeralContainers) {
    if (!supports('containerKinds')) cannot('container kind (--init-containers, --ephemeral-containers)');
    selector['containerKinds'] = [
      'regular',
      ...(settings.initContainers ? ['init'] : []),
      ...(settings.ephemeralContainers ? ['ephemeral'] : []),
    ];
  }
  if (settings.previous) selector[supports('previous') ? 'previous' : cannot('--previous')] = true;

  return { source, selector, ...backlog(settings, source), follow: settings.follow };
}

function backlog(settings: LogsSettings, source: SourceDescription): { since?: string; tail?: number } {
  const out: { since?: string; tail?: number } = {};
  if (source.supports.since) out.since = protocolDuration(settings.since.ms);
  else if (settings.since.explicit) throw CliError.usage(`source ${source.id} cannot read back by time (--since)`);
  if (settings.tail >= 0) {
    if (!source.supports.tail) throw CliError.usage(`source ${source.id} cannot read back by lines (--tail)`);
    out.tail = settings.tail;
  }
  return out;
}

function selectorProperties(source: SourceDescription): ReadonlySet<string> {
  const properties = source.selector['properties'];
  return new Set(typeof properties === 'object' && properties !== null ? Object.keys(properties) : []);
}
