// What the live view holds: log lines with what was parsed from them once, and the notices that
// keep their place among them (denied, hidden, dropped, gap, reconnecting, resumed, ended, …).
import type { WireRecord } from '@tailgate/contracts';

import { type LogLevel, parseLine } from './log-level';

export interface LogLine {
  readonly kind: 'line';
  /** Position in the stream, from 1; never reused, so it keys rows across discards. */
  readonly seq: number;
  readonly ts: string;
  readonly ns: string;
  readonly pod: string;
  readonly container: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
  readonly level?: LogLevel;
  readonly json: boolean;
}

export type NoticeKind =
  'target-added' | 'target-removed' | 'denied' | 'hidden' | 'dropped' | 'gap' | 'reconnecting' | 'resumed' | 'ended' | 'discarded';

export interface LogNotice {
  readonly kind: 'notice';
  readonly seq: number;
  readonly notice: NoticeKind;
  /** What the user reads. */
  readonly text: string;
  /** `<ns>/<pod>/<container>` of the target it is about, if any. */
  readonly target?: string;
  /** Warnings (denied, dropped, gap, an ended stream) stand out; information does not. */
  readonly severity: 'info' | 'warning';
}

export type LogEntry = LogLine | LogNotice;

/** Entries before `seq` is assigned: the store numbers them. */
export type NewLogEntry = Omit<LogLine, 'seq'> | Omit<LogNotice, 'seq'>;

export function lineFromRecord(record: WireRecord): Omit<LogLine, 'seq'> {
  const parsed = parseLine(record.line);
  const base = {
    kind: 'line' as const,
    ts: record.ts,
    ns: record.ns,
    pod: record.pod,
    container: record.container,
    stream: record.stream,
    line: record.line,
    json: parsed.json,
  };
  return parsed.level === undefined ? base : { ...base, level: parsed.level };
}
