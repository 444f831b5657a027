// Where a reader of one container's log stands, as a time cursor (`<epoch ns>-<sequence>`), and
// the rule that makes re-reads safe: the apiserver can only start a read at a whole second
// (sinceTime is RFC 3339 without fraction), so a re-read replays some lines; those at or before
// the position are skipped, the first one after it continues the sequence. Cursors depend on the
// log content alone, so a backlog, a live stream and a resume derive the same cursor per line.
import { CursorClock, parseTimeCursor } from '@tailgate/plugin-sdk';

export class LogPosition {
  /** During a re-read: lines before this point were delivered already. */
  private replay: { nanos: string; sequence: number; seen: number } | undefined;

  private constructor(private readonly clock: CursorClock) {}

  static start(): LogPosition {
    return new LogPosition(new CursorClock());
  }

  /** Starts after `cursor` (a time cursor of this target): a resume, or a reader that continues another. */
  static after(cursor: string): LogPosition {
    const parsed = parseTimeCursor(cursor);
    return new LogPosition(parsed === undefined ? new CursorClock() : new CursorClock(parsed.epochNanos, parsed.sequence));
  }

  /** Starts at an instant: lines stamped before `epochNanos` are skipped. */
  static from(epochNanos: string): LogPosition {
    return new LogPosition(new CursorClock(epochNanos, -1));
  }

  get started(): boolean {
    return this.clock.last.epochNanos !== '';
  }

  /** The whole second to ask the apiserver for, or undefined before anything was read. */
  sinceTime(): string | undefined {
    const { epochNanos } = this.clock.last;
    if (epochNanos === '') return undefined;
    const seconds = Number(epochNanos.slice(0, 11));
    return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
  }

  /** A new read begins (a reconnect): lines up to the current position will come again. */
  beginRead(): void {
    const { epochNanos, sequence } = this.clock.last;
    this.replay = epochNanos === '' ? undefined : { nanos: epochNanos, sequence, seen: 0 };
  }

  /** The cursor of the next line read, or undefined when the line was delivered before. */
  next(epochNanos: string): string | undefined {
    const replay = this.replay;
    if (replay !== undefined) {
      if (epochNanos < replay.nanos) return undefined;
      if (epochNanos === replay.nanos && replay.seen++ <= replay.sequence) return undefined;
      this.replay = undefined;
    }
    // Same instant, or a clock that stepped back: the clock keeps the order the log has.
    return this.clock.next(epochNanos);
  }
}
