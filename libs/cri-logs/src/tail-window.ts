// The last `tail` records of a read, held while they are small: past a byte budget the oldest of
// them keep only their cursor and the file they were read from, so a tail of long lines costs a
// second read of its start, not memory. Pure; the caller reads again what `result` asks for.
import type { LogRecord } from '@tailgate/plugin-sdk';

/** Bytes of records a tail holds at most before it keeps cursors only. */
export const TAIL_RECORD_BYTES = 4 * 1024 * 1024;
/** What a record counts for beside its line and cursor. */
const RECORD_OVERHEAD = 100;

/** The part of a tail that must be read again: from `cursor` (in file `file`), `count` records. */
export interface TailStart {
  readonly cursor: string;
  readonly file: number;
  readonly count: number;
}

interface Entry {
  readonly cursor: string;
  readonly file: number;
  readonly bytes: number;
  record: LogRecord | undefined;
}

export class TailWindow {
  private entries: Entry[] = [];
  /** Index of the oldest entry still in the tail. */
  private start = 0;
  /** Index of the oldest entry that still holds its record. */
  private firstHeld = 0;
  private heldBytes = 0;

  constructor(
    private readonly tail: number,
    private readonly maxBytes = TAIL_RECORD_BYTES,
  ) {}

  push(records: readonly LogRecord[], file: number): void {
    for (const record of records) {
      const bytes = record.line.length + record.cursor.length + RECORD_OVERHEAD;
      this.entries.push({ cursor: record.cursor, file, bytes, record });
      this.heldBytes += bytes;
      if (this.entries.length - this.start > this.tail) this.leave();
    }
    while (this.heldBytes > this.maxBytes && this.firstHeld < this.entries.length) this.release();
    if (this.start >= this.tail) this.compact();
  }

  /** The records held, oldest first, and where the ones before them start when some were let go. */
  result(): { readonly from: TailStart | undefined; readonly records: LogRecord[] } {
    const records = this.entries.slice(this.firstHeld).map((entry) => entry.record as LogRecord);
    const oldest = this.entries[this.start];
    if (oldest === undefined || this.firstHeld === this.start) return { from: undefined, records };
    return { from: { cursor: oldest.cursor, file: oldest.file, count: this.firstHeld - this.start }, records };
  }

  /** The oldest entry leaves the tail. */
  private leave(): void {
    const entry = this.entries[this.start] as Entry;
    if (entry.record !== undefined) this.heldBytes -= entry.bytes;
    this.start++;
    this.firstHeld = Math.max(this.firstHeld, this.start);
  }

  /** The oldest held record is let go; its cursor stays. */
  private release(): void {
    const entry = this.entries[this.firstHeld] as Entry;
    this.heldBytes -= entry.bytes;
    entry.record = undefined;
    this.firstHeld++;
  }

  private compact(): void {
    this.entries = this.entries.slice(this.start);
    this.firstHeld -= this.start;
    this.start = 0;
  }
}
