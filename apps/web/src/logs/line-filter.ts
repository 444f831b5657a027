// Which entries the view shows: include and exclude patterns and a level filter over lines.
// Notices always pass: what the stream says about itself is never filtered away.
import type { LogEntry } from './log-entry';
import { LOG_LEVELS, type LogLevel } from './log-level';
import { compileMatcher, type TextMatcher } from './text-matcher';

/** Lines without a recognised level. */
export const NO_LEVEL = 'none';
export type LevelChoice = LogLevel | typeof NO_LEVEL;
export const LEVEL_CHOICES: readonly LevelChoice[] = [...LOG_LEVELS, NO_LEVEL];

export interface FilterSettings {
  /** Highlighted; with `onlyMatching`, also filters. */
  readonly search: string;
  readonly onlyMatching: boolean;
  readonly include: string;
  readonly exclude: string;
  /** Levels shown; every level when it holds them all. */
  readonly levels: readonly LevelChoice[];
}

export const DEFAULT_FILTERS: FilterSettings = { search: '', onlyMatching: false, include: '', exclude: '', levels: LEVEL_CHOICES };

export interface CompiledFilter {
  readonly accepts: (entry: LogEntry) => boolean;
  readonly search: TextMatcher | undefined;
  /** Which inputs hold an invalid pattern (they then filter nothing). */
  readonly errors: readonly ('search' | 'include' | 'exclude')[];
  /** True when every line passes (no work per line). */
  readonly passesAll: boolean;
}

export function compileFilter(settings: FilterSettings): CompiledFilter {
  const errors: ('search' | 'include' | 'exclude')[] = [];
  const compile = (field: 'search' | 'include' | 'exclude'): TextMatcher | undefined => {
    const compiled = compileMatcher(settings[field]);
    if (compiled.ok) return compiled.matcher;
    errors.push(field);
    return undefined;
  };
  const search = compile('search');
  const include = compile('include');
  const exclude = compile('exclude');
  const onlyMatching = settings.onlyMatching ? search : undefined;
  const levels = new Set<LevelChoice>(settings.levels);
  const allLevels = LEVEL_CHOICES.every((level) => levels.has(level));
  const accepts = (entry: LogEntry): boolean => {
    if (entry.kind === 'notice') return true;
    if (!allLevels && !levels.has(entry.level ?? NO_LEVEL)) return false;
    if (include !== undefined && !include.test(entry.line)) return false;
    if (exclude !== undefined && exclude.test(entry.line)) return false;
    return onlyMatching === undefined || onlyMatching.test(entry.line);
  };
  return { accepts, search, errors, passesAll: allLevels && include === undefined && exclude === undefined && onlyMatching === undefined };
}
