// Splits chunks read from a file or a stream into newline-terminated lines with Buffer.indexOf, carrying an
// unfinished line across chunks and capping how much of one line is kept.
const NEWLINE = 0x0a;

/** `line` is a view into the chunk or a temporary buffer: use it before the next push. */
export type LineHandler = (line: Buffer, overflowed: boolean) => void;

export class LineSplitter {
  private carried: Buffer[] = [];
  private carriedBytes = 0;
  private overflowed = false;

  /**
   * @param maxLineBytes bytes of one line kept; the rest is dropped and the line marked overflowed.
   * @param skipFirstLine the first chunk starts in the middle of a line: drop up to the first newline.
   */
  constructor(
    private readonly maxLineBytes: number,
    private skipFirstLine = false,
  ) {}

  push(chunk: Buffer, onLine: LineHandler): void {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      this.emit(chunk.subarray(start, end), onLine);
      start = end + 1;
    }
    if (start < chunk.length) this.carry(chunk.subarray(start));
  }

  /** Bytes of an unfinished line are waiting for their newline. */
  get hasPartialLine(): boolean {
    return this.carriedBytes > 0 || this.overflowed;
  }

  /** Drops an unfinished line, e.g. when the file was truncated under us. */
  reset(): void {
    this.carried = [];
    this.carriedBytes = 0;
    this.overflowed = false;
    this.skipFirstLine = false;
  }

  private emit(tail: Buffer, onLine: LineHandler): void {
    if (this.skipFirstLine) {
      this.reset();
      return;
    }
    if (this.carriedBytes === 0) {
      onLine(tail.length > this.maxLineBytes ? tail.subarray(0, this.maxLineBytes) : tail, tail.length > this.maxLineBytes);
      return;
    }
    this.carry(tail);
    const line = Buffer.concat(this.carried, this.carriedBytes);
    const overflowed = this.overflowed;
    this.reset();
    onLine(line, overflowed);
  }

  private carry(part: Buffer): void {
    if (this.skipFirstLine) return;
    const room = this.maxLineBytes - this.carriedBytes;
    if (part.length > room) this.overflowed = true;
    if (room <= 0) return;
    // Copied: the chunk's buffer is reused for the next read.
    const kept = Buffer.from(part.subarray(0, room));
    this.carried.push(kept);
    this.carriedBytes += kept.length;
  }
}
