// Parses one CRI log line (`<RFC3339Nano ts> <stdout|stderr> <F|P> <message>`) with indexOf, no regex.
import { toEpochNanos } from './cri-cursor';

const SPACE = 0x20;

export type CriStream = 'stdout' | 'stderr';

export interface CriEntry {
  /** The timestamp as written. */
  readonly ts: string;
  /** The same instant as 20-digit epoch nanoseconds (see cri-cursor). */
  readonly epochNanos: string;
  readonly stream: CriStream;
  /** `P`: the message continues in the stream's next entry. */
  readonly partial: boolean;
  /** A view into the line passed in: copy it before that buffer is reused. */
  readonly message: Buffer;
}

/** Undefined for a malformed line. `line` excludes the trailing newline. */
export function parseCriLine(line: Buffer): CriEntry | undefined {
  const tsEnd = line.indexOf(SPACE);
  if (tsEnd <= 0) return undefined;
  const streamEnd = line.indexOf(SPACE, tsEnd + 1);
  if (streamEnd < 0) return undefined;
  const stream = streamName(line, tsEnd + 1, streamEnd);
  if (stream === undefined) return undefined;
  const tagEnd = line.indexOf(SPACE, streamEnd + 1);
  const tag = line.toString('latin1', streamEnd + 1, tagEnd < 0 ? line.length : tagEnd);
  if (tag !== 'F' && tag !== 'P') return undefined;
  const ts = line.toString('latin1', 0, tsEnd);
  const epochNanos = toEpochNanos(ts);
  if (epochNanos === undefined) return undefined;
  const message = tagEnd < 0 ? line.subarray(line.length) : line.subarray(tagEnd + 1);
  return { ts, epochNanos, stream, partial: tag === 'P', message };
}

function streamName(line: Buffer, start: number, end: number): CriStream | undefined {
  if (end - start !== 6) return undefined;
  const name = line.toString('latin1', start, end);
  return name === 'stdout' || name === 'stderr' ? name : undefined;
}
