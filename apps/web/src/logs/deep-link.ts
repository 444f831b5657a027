// The view as a link: source, the choices that make its selector, filters and display settings in
// the URL's fragment (never sent to a server, so never in an access log). Never the token.
import { LEVEL_CHOICES, type FilterSettings, type LevelChoice } from './line-filter';
import { EMPTY_CHOICE, isWorkloadKind, type WatchChoice } from '../selection/watch-choice';

export interface DisplaySettings {
  /** `local`, `UTC` or an IANA zone. */
  readonly timeZone: string;
  readonly wrap: boolean;
}

export const DEFAULT_DISPLAY: DisplaySettings = { timeZone: 'local', wrap: true };

export interface ViewLink {
  readonly choice: WatchChoice;
  readonly filters: FilterSettings;
  readonly display: DisplaySettings;
}

const set = (params: URLSearchParams, key: string, value: string, fallback: string): void => {
  if (value !== fallback) params.set(key, value);
};

/** The fragment (without `#`): only what differs from the defaults, in a fixed key order. */
export function encodeViewLink(link: ViewLink): string {
  const { choice, filters, display } = link;
  const params = new URLSearchParams();
  set(params, 'source', choice.source, '');
  set(params, 'ns', choice.namespace, '');
  if (choice.workload) params.set('workload', `${choice.workload.kind}/${choice.workload.name}`);
  set(params, 'pod', choice.pod, '');
  set(params, 'labels', choice.labelSelector, '');
  set(params, 'containers', choice.containers.join(','), '');
  if (choice.tail !== undefined) params.set('tail', String(choice.tail));
  set(params, 'since', choice.since, '');
  set(params, 'q', filters.search, '');
  if (filters.onlyMatching) params.set('only', '1');
  set(params, 'include', filters.include, '');
  set(params, 'exclude', filters.exclude, '');
  set(params, 'levels', filters.levels.join(','), LEVEL_CHOICES.join(','));
  set(params, 'tz', display.timeZone, 'local');
  if (!display.wrap) params.set('wrap', '0');
  return params.toString();
}

function parseLevels(text: string | null): readonly LevelChoice[] {
  if (text === null) return LEVEL_CHOICES;
  const wanted = new Set(text.split(','));
  return LEVEL_CHOICES.filter((level) => wanted.has(level));
}

function parseTail(text: string | null): number | undefined {
  if (text === null || !/^\d{1,5}$/.test(text)) return undefined;
  return Number(text);
}

/** Reads a fragment (with or without `#`); unknown keys and malformed values fall back to defaults. */
export function decodeViewLink(fragment: string): ViewLink {
  const params = new URLSearchParams(fragment.startsWith('#') ? fragment.slice(1) : fragment);
  const text = (key: string): string => params.get(key) ?? '';
  const [kind, ...nameParts] = text('workload').split('/');
  const workloadName = nameParts.join('/');
  const tail = parseTail(params.get('tail'));
  const choice: WatchChoice = {
    ...EMPTY_CHOICE,
    source: text('source'),
    namespace: text('ns'),
    ...(kind !== undefined && isWorkloadKind(kind) && workloadName !== '' && { workload: { kind, name: workloadName } }),
    pod: text('pod'),
    labelSelector: text('labels'),
    containers: text('containers')
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== ''),
    ...(tail !== undefined && { tail }),
    since: text('since'),
  };
  return {
    choice,
    filters: {
      search: text('q'),
      onlyMatching: params.get('only') === '1',
      include: text('include'),
      exclude: text('exclude'),
      levels: parseLevels(params.get('levels')),
    },
    display: { timeZone: params.get('tz') ?? DEFAULT_DISPLAY.timeZone, wrap: params.get('wrap') !== '0' },
  };
}
