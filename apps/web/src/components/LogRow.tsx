// One row of the live view: a line (time, pod in its colour, container, level, text with search
// matches highlighted) or a notice. Rows never change once written, so they render once.
import { memo } from 'react';

import type { LogEntry } from '../logs/log-entry';
import { podColourClass } from '../logs/pod-colour';
import { highlightSegments, type TextMatcher } from '../logs/text-matcher';
import { formatTimestamp } from '../logs/time-format';

export interface LogRowProps {
  readonly entry: LogEntry;
  readonly search: TextMatcher | undefined;
  readonly timeZone: string;
}

export const LogRow = memo(function LogRow({ entry, search, timeZone }: LogRowProps) {
  if (entry.kind === 'notice') {
    return (
      <div
        className={`notice notice-${entry.severity}`}
        data-testid="log-notice"
        data-notice={entry.notice}
        data-target={entry.target}
        role="note"
      >
        <span className="notice-mark" aria-hidden="true">
          {entry.severity === 'warning' ? '⚠' : 'ℹ'}
        </span>
        {entry.text}
      </div>
    );
  }
  return (
    <div
      className={`line stream-${entry.stream}`}
      data-testid="log-line"
      data-ns={entry.ns}
      data-pod={entry.pod}
      data-container={entry.container}
      data-level={entry.level ?? 'none'}
      data-stream={entry.stream}
    >
      <time className="ts" dateTime={entry.ts}>
        {formatTimestamp(entry.ts, timeZone)}
      </time>
      <span className={`pod ${podColourClass(entry.ns, entry.pod)}`} title={`${entry.ns}/${entry.pod}/${entry.container}`}>
        {entry.pod}
      </span>
      <span className="container">{entry.container}</span>
      <span className={`level level-${entry.level ?? 'none'}`} data-testid="log-level">
        {entry.level ?? ''}
      </span>
      <span className="text">
        {highlightSegments(entry.line, search).map((segment, i) => (segment.match ? <mark key={i}>{segment.text}</mark> : segment.text))}
      </span>
    </div>
  );
});
