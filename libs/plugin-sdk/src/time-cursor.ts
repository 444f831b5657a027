// Time cursors: a record's timestamp as fixed-width UTC nanoseconds plus a sequence number, so
// that cursors of one target compare as plain strings in source order. Sources whose records carry
// timestamps (CRI files, pods/log with timestamps) share this format, so a client's cursor means
// the same instant whichever source or replica reads it back.
//
// Format: `<20-digit nanoseconds since the Unix epoch>-<10-digit sequence>`, for example
// `01732350000123456789-0000000000`. The sequence counts records whose (clamped) timestamp equals
// the previous record's; a timestamp that goes backwards is clamped to the previous one. Both
// parts come from the log content alone, so a reader that replays the same lines (the live
// stream across rotations, a backlog, another process) derives the same cursors.

const NANOS_WIDTH = 20;
const SEQUENCE_WIDTH = 10;
const SECONDS_WIDTH = NANOS_WIDTH - 9;

/** The whole-second part of the last timestamp converted: records of one second share it. */
let lastHead = '';
let lastZone = '';
let lastSeconds = '';

/** `2024-05-01T10:00:00.123456789Z` (any fraction, `Z` or `±hh:mm`) → 20-digit epoch nanoseconds. */
export function toEpochNanos(ts: string): string | undefined {
  if (ts.length < 20 || ts[4] !== '-' || ts[7] !== '-' || ts[10] !== 'T' || ts[13] !== ':' || ts[16] !== ':') return undefined;
  let end = 19;
  if (ts[end] === '.') while (end + 1 < ts.length && isDigit(ts.charCodeAt(end + 1))) end++;
  const fraction = end > 19 ? ts.slice(20, end + 1) : '';
  if (ts[end] === '.' || fraction.length > 9) return undefined;
  const zoneAt = end === 19 ? 19 : end + 1;
  // Hot path (once per record): a timestamp in the same second and zone as the last one.
  if (ts.startsWith(lastHead) && lastHead.length === 19 && ts.length - zoneAt === lastZone.length && ts.endsWith(lastZone)) {
    return lastSeconds + fraction.padEnd(9, '0');
  }
  const seconds = epochSeconds(ts, zoneAt);
  if (seconds === undefined) return undefined;
  lastHead = ts.slice(0, 19);
  lastZone = ts.slice(zoneAt);
  lastSeconds = seconds;
  return seconds + fraction.padEnd(9, '0');
}

/** The whole seconds of `ts` (its first 19 characters and the zone at `zoneAt`), padded; undefined when invalid. */
function epochSeconds(ts: string, zoneAt: number): string | undefined {
  const parts = [digitsAt(ts, 0, 4), digitsAt(ts, 5, 2), digitsAt(ts, 8, 2), digitsAt(ts, 11, 2), digitsAt(ts, 14, 2), digitsAt(ts, 17, 2)];
  const [year, month, day, hour, minute, second] = parts;
  if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined) return undefined;
  if (second === undefined || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const offsetSeconds = zoneOffsetSeconds(ts, zoneAt);
  if (offsetSeconds === undefined) return undefined;
  const seconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetSeconds;
  return seconds < 0 ? undefined : String(seconds).padStart(SECONDS_WIDTH, '0');
}

/** A Date (millisecond precision) in the same 20-digit form, for comparisons with `since`. */
export function dateToEpochNanos(date: Date): string {
  const ms = Math.max(0, date.getTime());
  return String(Math.floor(ms / 1000)).padStart(SECONDS_WIDTH, '0') + String((ms % 1000) * 1_000_000).padStart(9, '0');
}

export function formatCursor(epochNanos: string, sequence: number): string {
  return `${epochNanos}-${paddedSequence(sequence)}`;
}

/** The sequences most instants have, padded once. */
const PADDED_SEQUENCES = Array.from({ length: 256 }, (_, i) => String(i).padStart(SEQUENCE_WIDTH, '0'));

function paddedSequence(sequence: number): string {
  // Checked first: reading past the table's end would slow every later read.
  return sequence >= 0 && sequence < PADDED_SEQUENCES.length
    ? (PADDED_SEQUENCES[sequence] as string)
    : String(sequence).padStart(SEQUENCE_WIDTH, '0');
}

const CURSOR = /^(\d{20})-(\d{10})$/;

/** The parts of a time cursor, or undefined when `cursor` is not one. */
export function parseTimeCursor(cursor: string): { readonly epochNanos: string; readonly sequence: number } | undefined {
  const match = CURSOR.exec(cursor);
  if (match === null) return undefined;
  return { epochNanos: match[1] as string, sequence: Number(match[2]) };
}

/** 20-digit epoch nanoseconds → RFC 3339 with nanoseconds (`2024-05-01T10:00:00.123456789Z`). */
export function epochNanosToRfc3339(epochNanos: string): string {
  const seconds = Number(epochNanos.slice(0, SECONDS_WIDTH));
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${epochNanos.slice(SECONDS_WIDTH)}Z`;
}

/**
 * Hands out the cursors of one target's records, in the order they were read. A clock can start
 * where another stopped (`lastNanos`, `sequence` of its last cursor) or at an instant (sequence
 * -1: the first record of that instant gets 0).
 */
export class CursorClock {
  /** `<lastNanos>-`, built once per instant. */
  private prefix: string;

  constructor(
    private lastNanos = '',
    private sequence = 0,
  ) {
    this.prefix = `${lastNanos}-`;
  }

  /** The last cursor's instant and sequence ('' before the first record). */
  get last(): { readonly epochNanos: string; readonly sequence: number } {
    return { epochNanos: this.lastNanos, sequence: this.sequence };
  }

  next(epochNanos: string): string {
    if (epochNanos > this.lastNanos) {
      this.lastNanos = epochNanos;
      this.prefix = `${epochNanos}-`;
      this.sequence = 0;
    } else {
      this.sequence++;
    }
    return this.prefix + paddedSequence(this.sequence);
  }
}

function zoneOffsetSeconds(ts: string, at: number): number | undefined {
  if (ts[at] === 'Z' && at + 1 === ts.length) return 0;
  const sign = ts[at] === '+' ? 1 : ts[at] === '-' ? -1 : 0;
  if (sign === 0 || at + 6 !== ts.length || ts[at + 3] !== ':') return undefined;
  const hours = digitsAt(ts, at + 1, 2);
  const minutes = digitsAt(ts, at + 4, 2);
  if (hours === undefined || minutes === undefined || hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 3600 + minutes * 60);
}

function digitsAt(text: string, start: number, length: number): number | undefined {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return undefined;
    value = value * 10 + (code - 48);
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
