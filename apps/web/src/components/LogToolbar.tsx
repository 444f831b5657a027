// Filters and display settings for the live view: search (highlighted, optionally filtering),
// include and exclude patterns (`/regex/` or text), levels, wrapping, time zone, follow, clear,
// and download.
import type { TailgateClient } from '@tailgate/client';
import type { RefObject } from 'react';

import type { DisplaySettings } from '../logs/deep-link';
import { LEVEL_CHOICES, type FilterSettings, type LevelChoice } from '../logs/line-filter';
import type { LiveStream } from '../state/live-stream';
import { DownloadControls } from './DownloadControls';
import { TimeZonePicker } from './TimeZonePicker';

export interface LogToolbarProps {
  readonly filters: FilterSettings;
  readonly filterErrors: readonly string[];
  readonly display: DisplaySettings;
  readonly following: boolean;
  readonly searchRef: RefObject<HTMLInputElement | null>;
  readonly onFilters: (filters: FilterSettings) => void;
  readonly onDisplay: (display: DisplaySettings) => void;
  readonly onFollowing: (following: boolean) => void;
  readonly onClear: () => void;
  readonly client: TailgateClient;
  readonly stream: LiveStream;
  readonly source: string;
  readonly selector: unknown;
}

/** The include and exclude patterns: the same input, each for its own field. */
const PATTERN_FIELDS = [
  { field: 'include', label: 'Include lines matching', placeholder: 'Include' },
  { field: 'exclude', label: 'Exclude lines matching', placeholder: 'Exclude' },
] as const;

export function LogToolbar(props: LogToolbarProps) {
  const { filters, filterErrors, display, following, searchRef, onFilters, onDisplay, onFollowing } = props;
  const set = (patch: Partial<FilterSettings>) => onFilters({ ...filters, ...patch });
  const toggleLevel = (level: LevelChoice, on: boolean) =>
    set({ levels: LEVEL_CHOICES.filter((l) => (l === level ? on : filters.levels.includes(l))) });
  const invalid = (field: string) => (filterErrors.includes(field) ? true : undefined);

  return (
    <div className="toolbar" role="toolbar" aria-label="Log view controls">
      <input
        ref={searchRef}
        type="search"
        aria-label="Search (/ to focus; /regex/ for a regular expression)"
        placeholder="Search  /"
        value={filters.search}
        onChange={(event) => set({ search: event.target.value })}
        aria-invalid={invalid('search')}
        data-testid="search-input"
      />
      <label className="check">
        <input
          type="checkbox"
          checked={filters.onlyMatching}
          onChange={(event) => set({ onlyMatching: event.target.checked })}
          data-testid="only-matching"
        />
        Only matching
      </label>
      {PATTERN_FIELDS.map(({ field, label, placeholder }) => (
        <input
          key={field}
          aria-label={label}
          placeholder={placeholder}
          value={filters[field]}
          onChange={(event) => set({ [field]: event.target.value })}
          aria-invalid={invalid(field)}
          data-testid={`${field}-filter`}
        />
      ))}
      <fieldset className="levels" data-testid="level-filter">
        <legend>Levels</legend>
        {LEVEL_CHOICES.map((level) => (
          <label key={level} className={`check level-${level}`}>
            <input
              type="checkbox"
              checked={filters.levels.includes(level)}
              onChange={(event) => toggleLevel(level, event.target.checked)}
              data-level={level}
            />
            {level}
          </label>
        ))}
      </fieldset>
      <label className="check">
        <input
          type="checkbox"
          checked={display.wrap}
          onChange={(event) => onDisplay({ ...display, wrap: event.target.checked })}
          data-testid="wrap-toggle"
        />
        Wrap (w)
      </label>
      <TimeZonePicker zone={display.timeZone} onChange={(timeZone) => onDisplay({ ...display, timeZone })} />
      <button type="button" aria-pressed={following} onClick={() => onFollowing(!following)} data-testid="follow-toggle">
        {following ? 'Following (f)' : 'Paused (f)'}
      </button>
      <button type="button" onClick={props.onClear} data-testid="clear-lines">
        Clear
      </button>
      <DownloadControls client={props.client} stream={props.stream} source={props.source} selector={props.selector} />
    </div>
  );
}
