// The lines the live view holds, bounded: a ring of at most `capacity` entries. When it is full,
// the oldest go and `discarded` says how many, so the view can tell the user. Entries are numbered
// (`seq`) as they arrive; seq - firstSeq is an entry's index, so views refer to entries by seq.
import type { LogEntry, NewLogEntry } from './log-entry';

/** Default bound: enough for minutes of a busy stream, small enough to stay quick to filter. */
export const DEFAULT_LINE_CAPACITY = 50_000;

export class LineStore {
  private readonly ring: (LogEntry | undefined)[];
  private start = 0;
  private count = 0;
  private nextSeq = 1;
  private discardedCount = 0;

  constructor(readonly capacity: number = DEFAULT_LINE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.ring = new Array<LogEntry | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Seq of the oldest entry held (equals `nextSeq` when empty). */
  get firstSeq(): number {
    return this.nextSeq - this.count;
  }

  /** Seq of the newest entry held, or firstSeq - 1 when empty. */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** How many entries were pushed out to keep the bound, since the last `clear()`. */
  get discarded(): number {
    return this.discardedCount;
  }

  append(entries: readonly NewLogEntry[]): void {
    for (const entry of entries) {
      const numbered = { ...entry, seq: this.nextSeq } as LogEntry;
      this.nextSeq += 1;
      if (this.count < this.capacity) {
        this.ring[(this.start + this.count) % this.capacity] = numbered;
        this.count += 1;
      } else {
        this.ring[this.start] = numbered;
        this.start = (this.start + 1) % this.capacity;
        this.discardedCount += 1;
      }
    }
  }

  /** The entry at `index` (0 = oldest held). */
  at(index: number): LogEntry | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.ring[(this.start + index) % this.capacity];
  }

  bySeq(seq: number): LogEntry | undefined {
    return this.at(seq - this.firstSeq);
  }

  /** Every entry held, oldest first. */
  entries(): LogEntry[] {
    const out: LogEntry[] = [];
    for (let i = 0; i < this.count; i += 1) out.push(this.at(i) as LogEntry);
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.start = 0;
    this.count = 0;
    this.discardedCount = 0;
  }
}
