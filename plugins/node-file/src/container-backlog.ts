// The records one container directory still holds (current and uncompressed rotated files,
// oldest first), decoded exactly as the live stream decodes them so cursors match.
import { stat } from 'node:fs/promises';

import type { LogRecord } from '@tailgate/plugin-sdk';

import { CRI_HEADER_BYTES, type ContainerLogDir, type TailerOptions } from './container-file-tailer';
import { ContainerLogDecoder } from './container-log-decoder';
import { parseTimeCursor, toEpochNanos } from './cri-cursor';
import { type ContainerLogFile, isMissing, listLogFiles } from './container-log-files';
import { LogFileReader } from './log-file-reader';

export interface BacklogWindow {
  /** Keep at most this many, the newest. */
  readonly tail?: number;
  /** 20-digit epoch nanoseconds (see cri-cursor); keep records at or after it. */
  readonly sinceNanos?: string;
  /** A cursor; keep records after it. */
  readonly after?: string;
}

/**
 * A rotated file last written this long before a resume cursor's time holds nothing after it,
 * even if the clock was stepped back a little in between.
 */
const MTIME_SLACK_NS = 60_000_000_000n;

export async function readContainerBacklog(
  dir: ContainerLogDir,
  window: BacklogWindow,
  options: TailerOptions,
  signal: AbortSignal,
): Promise<LogRecord[]> {
  const decoder = new ContainerLogDecoder(dir.target, options.maxLineBytes);
  const buffer = Buffer.allocUnsafe(options.readChunkBytes);
  const kept: LogRecord[] = [];
  const keep = (line: Buffer, overflowed: boolean): void => {
    const record = decoder.decode(line, overflowed);
    if (!record || (window.sinceNanos !== undefined && (toEpochNanos(record.ts) ?? '') < window.sinceNanos)) return;
    if (window.after !== undefined && record.cursor <= window.after) return;
    kept.push(record);
    if (window.tail !== undefined && kept.length > 2 * window.tail + 64) kept.splice(0, kept.length - window.tail);
  };
  const files = (await listLogFiles(dir.path)) ?? [];
  for (const file of window.after === undefined ? files : await filesFrom(files, window.after)) {
    signal.throwIfAborted();
    await readWholeFile(file.path, buffer, options.maxLineBytes + CRI_HEADER_BYTES, keep);
  }
  return window.tail === undefined ? kept : kept.slice(Math.max(0, kept.length - window.tail));
}

/**
 * The files from the first one that may hold records after `cursor`: older ones were last written
 * before the cursor's time. Skipping them leaves every later cursor as it was: a cursor's time and
 * sequence depend only on the records at or after that time (see cri-cursor).
 */
async function filesFrom(files: readonly ContainerLogFile[], cursor: string): Promise<readonly ContainerLogFile[]> {
  const from = parseTimeCursor(cursor);
  if (!from) return files;
  const fromNs = BigInt(from.epochNanos);
  for (const [i, file] of files.entries()) {
    const mtimeNs = await mtimeNsOf(file.path);
    if (mtimeNs === undefined || mtimeNs + MTIME_SLACK_NS < fromNs) continue;
    return files.slice(i);
  }
  return [];
}

async function mtimeNsOf(path: string): Promise<bigint | undefined> {
  try {
    return (await stat(path, { bigint: true })).mtimeNs;
  } catch (error) {
    if (isMissing(error)) return undefined; // rotated away or deleted since it was listed
    throw error;
  }
}

async function readWholeFile(
  path: string,
  buffer: Buffer,
  rawLineBytes: number,
  onLine: (line: Buffer, overflowed: boolean) => void,
): Promise<void> {
  let reader: LogFileReader;
  try {
    reader = await LogFileReader.open(path, 0, rawLineBytes);
  } catch (error) {
    if (isMissing(error)) return; // rotated away or deleted since it was listed
    throw error;
  }
  try {
    while ((await reader.read(buffer, onLine)) > 0);
  } finally {
    await reader.close();
  }
}
