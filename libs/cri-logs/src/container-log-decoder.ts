// Turns one container's raw CRI lines into LogRecords: reassembles `P` entries, caps lines longer
// than maxLineBytes with a marker (counting them), skips malformed lines (counting them), stamps
// cursors. Invalid UTF-8 becomes U+FFFD, never an error.
import type { LogRecord, TargetRef } from '@tailgate/plugin-sdk';

import { CursorClock } from './cri-cursor';
import { type CriStream, parseCriLine } from './cri-parser';

/**
 * Ends a line that was longer than maxLineBytes: the record keeps its first maxLineBytes bytes (cut
 * at a character boundary), then this marker.
 */
export const TRUNCATED_LINE_MARKER = '…[truncated]';

/** Where a decoder's cursor clock stands: the last cursor's instant and sequence. */
export interface ClockState {
  readonly epochNanos: string;
  readonly sequence: number;
}

interface PendingLine {
  readonly parts: Buffer[];
  bytes: number;
  truncated: boolean;
}

export interface DecoderCounts {
  readonly malformed: number;
  readonly truncated: number;
}

export class ContainerLogDecoder {
  private readonly clock: CursorClock;
  private readonly pending: Record<CriStream, PendingLine | undefined> = { stdout: undefined, stderr: undefined };
  private malformed = 0;
  private truncated = 0;

  constructor(
    readonly target: TargetRef,
    private readonly maxLineBytes: number,
    clock?: ClockState,
  ) {
    this.clock = clock ? new CursorClock(clock.epochNanos, clock.sequence) : new CursorClock();
  }

  get clockState(): ClockState {
    return this.clock.last;
  }

  /** A `P` entry waits for the rest of its line. */
  get hasPending(): boolean {
    return this.pending.stdout !== undefined || this.pending.stderr !== undefined;
  }

  get counts(): DecoderCounts {
    return { malformed: this.malformed, truncated: this.truncated };
  }

  /** Forgets the counts, e.g. after replaying lines only to set up cursor state. */
  resetCounts(): void {
    this.malformed = 0;
    this.truncated = 0;
  }

  /** `overflowed`: the raw line was cut before it reached here. `line` may be reused afterwards. */
  decode(line: Buffer, overflowed = false): LogRecord | undefined {
    const entry = parseCriLine(line);
    if (!entry) {
      this.malformed++;
      return undefined;
    }
    const { messageStart } = entry;
    const previous = this.pending[entry.stream];
    if (entry.partial) {
      this.pending[entry.stream] = this.append(previous ?? { parts: [], bytes: 0, truncated: false }, line, messageStart, overflowed);
      return undefined;
    }
    this.pending[entry.stream] = undefined;
    const text = previous
      ? this.finish(this.append(previous, line, messageStart, overflowed))
      : this.single(line, messageStart, overflowed);
    return { ts: entry.ts, target: this.target, stream: entry.stream, line: text, cursor: this.clock.next(entry.epochNanos) };
  }

  /** The message of a whole entry, decoded from the line itself (no copy, no view). */
  private single(line: Buffer, start: number, overflowed: boolean): string {
    if (line.length - start <= this.maxLineBytes && !overflowed) return line.toString('utf8', start);
    this.truncated++;
    const message = line.subarray(start);
    return message.toString('utf8', 0, utf8PrefixLength(message, this.maxLineBytes)) + TRUNCATED_LINE_MARKER;
  }

  private append(line: PendingLine, bytes: Buffer, start: number, overflowed: boolean): PendingLine {
    const message = bytes.subarray(start);
    const room = this.maxLineBytes - line.bytes;
    if (message.length > room || overflowed) line.truncated = true;
    const kept = message.subarray(0, Math.max(0, room));
    if (kept.length > 0) line.parts.push(Buffer.from(kept));
    line.bytes += kept.length;
    return line;
  }

  private finish(line: PendingLine): string {
    const joined = Buffer.concat(line.parts, line.bytes);
    if (!line.truncated) return joined.toString('utf8');
    this.truncated++;
    return joined.toString('utf8', 0, utf8PrefixLength(joined, joined.length)) + TRUNCATED_LINE_MARKER;
  }
}

/** The longest prefix of at most `max` bytes that does not end inside a UTF-8 character. */
export function utf8PrefixLength(bytes: Buffer, max: number): number {
  const end = Math.min(bytes.length, max);
  let start = end - 1;
  while (start > 0 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start--;
  if (start < 0) return 0;
  const lead = bytes[start] ?? 0;
  const width = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return start + width <= end ? end : start;
}
