// Following a journal query although Node Log Query cannot follow (and cuts every request at 30 s):
// ask again every few seconds with sinceTime = the second of the last line delivered, and keep
// only lines after it. journalctl reads sinceTime in whole seconds, so every such read starts at a
// second's first line; cursors numbered from there (time, then sequence among lines of the same
// microsecond) name each line the same way in every read, and "after the last cursor" is exactly
// the lines not delivered yet, even when several share the last second or microsecond.
import { CursorClock } from '@tailgate/plugin-sdk';

import type { JournalLine } from './journal-answer';

export interface CursoredLine extends JournalLine {
  readonly cursor: string;
}

/**
 * Cursors for the lines of one read that started at a whole second. `primed`: how many lines of
 * the first line's microsecond came before the read (a tail read starts mid-group), so that its
 * numbering matches a read from the whole second.
 */
export function withCursors(lines: readonly JournalLine[], primed = 0): CursoredLine[] {
  const clock = new CursorClock();
  const first = lines[0];
  if (first !== undefined) for (let i = 0; i < primed; i++) clock.next(first.epochNanos);
  return lines.map((line) => ({ ...line, cursor: clock.next(line.epochNanos) }));
}

export class JournalFollower {
  private lastCursor: string | undefined;

  /** `startSeconds`: epoch seconds the first re-query starts from while nothing was delivered. */
  constructor(private readonly startSeconds: number) {}

  /** The next query's sinceTime: the second of the last line delivered (RFC 3339, UTC). */
  sinceTime(): string {
    const seconds = this.lastCursor === undefined ? this.startSeconds : Number(this.lastCursor.slice(0, 11));
    return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
  }

  /** The lines of a read from `sinceTime()` that were not delivered yet; remembers the newest. */
  take(lines: readonly CursoredLine[]): CursoredLine[] {
    const after = this.lastCursor;
    const fresh = after === undefined ? [...lines] : lines.filter((line) => line.cursor > after);
    const newest = fresh.at(-1);
    if (newest !== undefined) this.lastCursor = newest.cursor;
    return fresh;
  }
}
