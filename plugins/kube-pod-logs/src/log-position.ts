// Where a reader of one container's log stands, as a time cursor (`<epoch ns>-<sequence>`), and
// the rule that makes re-reads safe: the apiserver can only start a read at a whole second
// (sinceTime is RFC 3339 without fraction), so a re-read replays some lines; those at or before
// the position are skipped, the first one after it continues the sequence. Cursors depend on the
// log content alone, so a backlog, a live stream and a resume derive the same cursor per line.
import { formatCursor, parseTimeCursor } from '@tailgate/plugin-sdk';

export class LogPosition {
  private lastNanos = '';
  private sequence = -1;
  /** During a re-read: lines before this point were delivered already. */
  private replay: { nanos: string; sequence: number; seen: number } | undefined;

  /** Starts after `cursor` (a time cursor of this target): a resume, or a reader that continues another. */
  static after(cursor: string): LogPosition {
    const position = new LogPosition();
    const parsed = parseTimeCursor(cursor);
    if (parsed !== undefined) {
      position.lastNanos = parsed.epochNanos;
      position.sequence = parsed.sequence;
    }
    return position;
  }

  /** Starts at an instant: lines stamped before `epochNanos` are skipped. */
  static from(epochNanos: string): LogPosition {
    const position = new LogPosition();
    position.lastNanos = epochNanos;
    position.sequence = -1;
    return position;
  }

  get started(): boolean {
    return this.lastNanos !== '';
  }

  /** The whole second to ask the apiserver for, or undefined before anything was read. */
  sinceTime(): string | undefined {
    if (this.lastNanos === '') return undefined;
    const seconds = Number(this.lastNanos.slice(0, 11));
    return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
  }

  /** A new read begins (a reconnect): lines up to the current position will come again. */
  beginRead(): void {
    this.replay = this.lastNanos === '' ? undefined : { nanos: this.lastNanos, sequence: this.sequence, seen: 0 };
  }

  /** The cursor of the next line read, or undefined when the line was delivered before. */
  next(epochNanos: string): string | undefined {
    const replay = this.replay;
    if (replay !== undefined) {
      if (epochNanos < replay.nanos) return undefined;
      if (epochNanos === replay.nanos && replay.seen++ <= replay.sequence) return undefined;
      this.replay = undefined;
    }
    if (epochNanos > this.lastNanos) {
      this.lastNanos = epochNanos;
      this.sequence = 0;
    } else {
      // Same instant, or a clock that stepped back: keep the order the log has.
      this.sequence++;
    }
    return formatCursor(this.lastNanos, this.sequence);
  }
}
