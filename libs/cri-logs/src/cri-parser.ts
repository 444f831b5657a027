// Parses one CRI log line (`<RFC3339Nano ts> <stdout|stderr> <F|P> <message>`) byte by byte:
// indexOf for the timestamp, fixed offsets after it, no regex; only the timestamp becomes a string.
// The message is given as an offset, not a Buffer view: a view per line is an allocation the
// decoder does not need (it decodes the message straight from the line).
import { toEpochNanos } from './cri-cursor';

const SPACE = 0x20;
const FULL = 0x46; // F
const PARTIAL = 0x50; // P
const STREAM_LENGTH = 6; // stdout | stderr

export type CriStream = 'stdout' | 'stderr';

export interface CriEntry {
  /** The timestamp exactly as written (cursor-safe: nothing is rounded). */
  readonly ts: string;
  /** The same instant as 20-digit epoch nanoseconds (see cri-cursor). */
  readonly epochNanos: string;
  readonly stream: CriStream;
  /** `P`: the message continues in the stream's next entry. */
  readonly partial: boolean;
  /** Where the message starts in the line passed in; it runs to the line's end. */
  readonly messageStart: number;
}

/** Undefined for a malformed line. `line` excludes the trailing newline. */
export function parseCriLine(line: Buffer): CriEntry | undefined {
  const tsEnd = line.indexOf(SPACE);
  if (tsEnd <= 0) return undefined;
  const stream = streamAt(line, tsEnd + 1);
  if (stream === undefined) return undefined;
  const tagAt = tsEnd + STREAM_LENGTH + 2;
  const tag = line[tagAt];
  if ((tag !== FULL && tag !== PARTIAL) || (tagAt + 1 < line.length && line[tagAt + 1] !== SPACE)) return undefined;
  const ts = line.toString('latin1', 0, tsEnd);
  const epochNanos = toEpochNanos(ts);
  if (epochNanos === undefined) return undefined;
  return { ts, epochNanos, stream, partial: tag === PARTIAL, messageStart: Math.min(line.length, tagAt + 2) };
}

/** `stdout` or `stderr` followed by a space at `start`. */
function streamAt(line: Buffer, start: number): CriStream | undefined {
  if (line[start + STREAM_LENGTH] !== SPACE || line[start] !== 0x73 || line[start + 1] !== 0x74 || line[start + 2] !== 0x64) {
    return undefined;
  }
  const a = line[start + 3];
  const b = line[start + 4];
  const c = line[start + 5];
  if (a === 0x6f && b === 0x75 && c === 0x74) return 'stdout';
  if (a === 0x65 && b === 0x72 && c === 0x72) return 'stderr';
  return undefined;
}
