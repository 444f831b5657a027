// One open log file read forward in large chunks into a caller's reused buffer; lines go through a
// LineSplitter (Buffer.indexOf). A read hands over whole lines only and leaves the reader at a line
// start, so its offset is always a position a restart can resume from. Each read also re-reads the
// bytes just before the offset and compares them with what was there: a file truncated or
// rewritten under us is noticed even when it has grown past our offset again.
import { type FileHandle, open } from 'node:fs/promises';

import { type LineHandler, LineSplitter } from '@tailgate/plugin-sdk';

const NEWLINE = 0x0a;
/** Bytes before the offset that identify the content read so far. */
export const FINGERPRINT_BYTES = 128;

/** The bytes before `position` differ from those read there: truncated or rewritten in place. */
export const REWRITTEN = 'rewritten';
export type ReadResult = number | typeof REWRITTEN;

/** The read consumed bytes: there may be more. */
export function hasRead(result: ReadResult): boolean {
  return result !== REWRITTEN && result > 0;
}

export interface ReaderStart {
  readonly offset: number;
  /** `mid-line`: drop everything up to the first newline. `line-start`: `offset` starts a line. */
  readonly at: 'mid-line' | 'line-start';
  /** What the file held right before `offset`, checked by the first read. */
  readonly fingerprint?: Buffer;
}

export class LogFileReader {
  private readonly tail = Buffer.allocUnsafeSlow(FINGERPRINT_BYTES);
  private tailLength = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    /** Identifies the file behind `path`, to notice a rename rotation. */
    readonly ino: number,
    private position: number,
    private readonly splitter: LineSplitter,
    /** Longest raw line kept (see LineSplitter). */
    readonly maxLineBytes: number,
  ) {}

  /** Opens `path` at a line start or, past 0 and `mid-line`, at the start of the next line. */
  static async open(path: string, maxLineBytes: number, start: ReaderStart = { offset: 0, at: 'line-start' }): Promise<LogFileReader> {
    const reader = await LogFileReader.openWith(path, maxLineBytes, (size) => {
      // Past the end only when resuming a saved position: the first read finds the file rewritten.
      const position = Math.max(0, start.at === 'line-start' ? start.offset : Math.min(start.offset, size));
      return { position, splitter: new LineSplitter(maxLineBytes, start.at === 'mid-line' && position > 0) };
    });
    if (start.fingerprint) reader.remember(start.fingerprint, start.fingerprint.length);
    return reader;
  }

  /** Opens a copy of this file at this reader's offset, carrying over an unfinished line; its first read checks it is a copy. */
  async continueIn(path: string): Promise<LogFileReader> {
    const copy = await LogFileReader.openWith(path, this.maxLineBytes, () => ({ position: this.position, splitter: this.splitter }));
    copy.remember(this.tail, this.tailLength);
    return copy;
  }

  private static async openWith(
    path: string,
    maxLineBytes: number,
    start: (size: number) => { position: number; splitter: LineSplitter },
  ): Promise<LogFileReader> {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      const { position, splitter } = start(stat.size);
      return new LogFileReader(path, handle, stat.ino, position, splitter, maxLineBytes);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get offset(): number {
    return this.position;
  }

  /** Nothing of the file has been read yet (offset 0, no fingerprint). */
  get atStart(): boolean {
    return this.position === 0 && this.tailLength === 0 && !this.splitter.hasPartialLine;
  }

  /** A line longer than a read is being carried: `offset` is not a line start. */
  get midLine(): boolean {
    return this.splitter.hasPartialLine;
  }

  /** A copy of the bytes right before `offset` (at most FINGERPRINT_BYTES). */
  fingerprint(): Buffer {
    const fingerprint = Buffer.allocUnsafeSlow(this.tailLength);
    this.tail.copy(fingerprint, 0, 0, this.tailLength);
    return fingerprint;
  }

  /** The bytes before the offset are still the remembered ones: a saved position still fits this file. */
  async stillHolds(): Promise<boolean> {
    if (this.tailLength === 0) return true;
    const bytes = Buffer.allocUnsafe(this.tailLength);
    const { bytesRead } = await this.handle.read(bytes, 0, this.tailLength, this.position - this.tailLength);
    return bytesRead === this.tailLength && bytes.equals(this.tail.subarray(0, this.tailLength));
  }

  /**
   * Reads one chunk into `buffer` (at most up to `limit`) and hands its whole lines to `onLine`.
   * Returns the bytes consumed: 0 at end of file or when only an unfinished line follows.
   */
  async read(buffer: Buffer, onLine: LineHandler, limit = Number.POSITIVE_INFINITY): Promise<ReadResult> {
    const overlap = Math.min(this.tailLength, buffer.length >> 1);
    const length = Math.min(buffer.length, limit - this.position + overlap);
    if (length <= overlap) return 0;
    const { bytesRead } = await this.handle.read(buffer, 0, length, this.position - overlap);
    if (overlap > 0 && (bytesRead < overlap || buffer.compare(this.tail, this.tailLength - overlap, this.tailLength, 0, overlap) !== 0)) {
      return REWRITTEN;
    }
    const consumed = this.consumable(buffer, overlap, bytesRead, bytesRead === length);
    if (consumed === 0) return 0;
    this.splitter.push(buffer.subarray(overlap, overlap + consumed), onLine);
    this.position += consumed;
    this.remember(buffer, overlap + consumed);
    return consumed;
  }

  /** Whole lines; everything when a line is being carried or one fills the whole read. */
  private consumable(buffer: Buffer, start: number, end: number, full: boolean): number {
    if (end <= start) return 0;
    if (this.splitter.hasPartialLine) return end - start;
    const lastNewline = buffer.lastIndexOf(NEWLINE, end - 1);
    if (lastNewline >= start) return lastNewline + 1 - start;
    return full ? end - start : 0;
  }

  /** Keeps the last bytes before `end` of `source` as the fingerprint. */
  private remember(source: Buffer, end: number): void {
    const start = Math.max(0, end - FINGERPRINT_BYTES);
    this.tailLength = source.copy(this.tail, 0, start, end);
  }

  /** The file was truncated in place (copytruncate): start over from its beginning. */
  rewind(): void {
    this.position = 0;
    this.tailLength = 0;
    this.splitter.reset();
  }

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
