// The records one container directory still holds (current and uncompressed rotated files,
// oldest first), decoded exactly as the live stream decodes them so cursors match, and read a
// chunk at a time as the caller asks for them: a `since` backlog of any size holds one chunk.
// A `tail` keeps its last records while they are small, and only their cursors past that: then
// the records are read a second time, from the file where the tail starts.
import { stat } from 'node:fs/promises';

import { type LogRecord, pagesOf } from '@tailgate/plugin-sdk';

import type { ContainerLogDir, TailerOptions } from './container-log-dir';
import { ContainerLogDecoder } from './container-log-decoder';
import { type ContainerLogFile, isMissing, listLogFiles } from './container-log-files';
import { parseTimeCursor, toEpochNanos } from './cri-cursor';
import { hasRead, LogFileReader } from './log-file-reader';
import { rawLineBytes } from './open-tail';
import { TAIL_RECORD_BYTES, TailWindow } from './tail-window';

export interface BacklogWindow {
  /** Keep at most this many, the newest. */
  readonly tail?: number;
  /** 20-digit epoch nanoseconds (see cri-cursor); keep records at or after it. */
  readonly sinceNanos?: string;
  /** A cursor; keep records after it. */
  readonly after?: string;
}

/**
 * A rotated file last written this long before a window's start holds nothing in it, even if the
 * clock was stepped back a little in between.
 */
const MTIME_SLACK_NS = 60_000_000_000n;

/** Pages of the container's records in the window, oldest first; a tail holds at most `tailRecordBytes` of records. */
export async function* containerBacklog(
  dir: ContainerLogDir,
  window: BacklogWindow,
  options: TailerOptions,
  signal: AbortSignal,
  tailRecordBytes = TAIL_RECORD_BYTES,
): AsyncGenerator<readonly LogRecord[]> {
  if (window.tail === 0) return;
  const files = await filesFrom((await listLogFiles(dir.path)) ?? [], windowStartNs(window));
  const inWindow = (record: LogRecord): boolean =>
    (window.sinceNanos === undefined || (toEpochNanos(record.ts) ?? '') >= window.sinceNanos) &&
    (window.after === undefined || record.cursor > window.after);
  if (window.tail === undefined) {
    for await (const { records } of readRecords(dir, files, inWindow, options, signal)) yield records;
    return;
  }
  // First pass: where the tail starts, with its records while they are small.
  const tail = new TailWindow(window.tail, tailRecordBytes);
  for await (const { records, file } of readRecords(dir, files, inWindow, options, signal)) tail.push(records, file);
  const { from, records } = tail.result();
  if (from !== undefined) {
    // Second pass: the records the first one kept only the cursors of; none written since come.
    // It starts a file early, where a record that the rotation split began.
    const before = records[0]?.cursor;
    const wanted = (record: LogRecord) =>
      inWindow(record) && record.cursor >= from.cursor && (before === undefined || record.cursor < before);
    const again = files.slice(Math.max(0, from.file - 1));
    for await (const page of readRecords(dir, again, wanted, options, signal, from.count)) yield page.records;
  }
  yield* pagesOf(records);
}

/** The records of `files` that `accept` keeps (at most `limit`), a read chunk's worth at a time, with the index of their file. */
async function* readRecords(
  dir: ContainerLogDir,
  files: readonly ContainerLogFile[],
  accept: (record: LogRecord) => boolean,
  options: TailerOptions,
  signal: AbortSignal,
  limit = Number.POSITIVE_INFINITY,
): AsyncGenerator<{ readonly records: LogRecord[]; readonly file: number }> {
  // One decoder across files: a record split by a rotation is reassembled.
  const decoder = new ContainerLogDecoder(dir.target, options.maxLineBytes);
  const buffer = Buffer.allocUnsafe(options.readChunkBytes);
  let left = limit;
  let page: LogRecord[] = [];
  const keep = (line: Buffer, overflowed: boolean): void => {
    const record = decoder.decode(line, overflowed);
    if (record && left > 0 && accept(record)) {
      page.push(record);
      left--;
    }
  };
  for (const [index, file] of files.entries()) {
    signal.throwIfAborted();
    const reader = await openIfPresent(file.path, rawLineBytes(options));
    if (!reader) continue;
    try {
      while (left > 0 && hasRead(await reader.read(buffer, keep))) {
        if (page.length > 0) yield { records: page, file: index };
        page = [];
        signal.throwIfAborted();
      }
    } finally {
      await reader.close();
    }
    if (left === 0) return;
  }
}

async function openIfPresent(path: string, rawLineBytes: number): Promise<LogFileReader | undefined> {
  try {
    return await LogFileReader.open(path, rawLineBytes);
  } catch (error) {
    if (isMissing(error)) return undefined; // rotated away or deleted since it was listed
    throw error;
  }
}

/** Epoch nanoseconds before which no record of the window can be: a resume cursor's time, or `since`. */
function windowStartNs(window: BacklogWindow): bigint | undefined {
  const from = window.after === undefined ? window.sinceNanos : parseTimeCursor(window.after)?.epochNanos;
  return from === undefined ? undefined : BigInt(from);
}

/**
 * The files from the first one that may hold records at or after `fromNs`: older ones were last
 * written before it. Skipping them leaves every later cursor as it was: a cursor's time and
 * sequence depend only on the records at or after that time (see cri-cursor).
 */
async function filesFrom(files: readonly ContainerLogFile[], fromNs: bigint | undefined): Promise<readonly ContainerLogFile[]> {
  if (fromNs === undefined) return files;
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
