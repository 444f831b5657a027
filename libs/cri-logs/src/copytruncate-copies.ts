// copytruncate leaves the lines a tailer had not read yet only in the copy (`<n>.log.<stamp>`, a new
// inode) while `<n>.log` keeps its inode and starts over. A tailer remembers the newest rotated file
// of its restart it has accounted for (`seen`); these read the copies it has not.
import type { LineHandler } from '@tailgate/plugin-sdk';

import { type ContainerLogFile, isMissing, listLogFiles } from './container-log-files';
import { hasRead, LogFileReader, REWRITTEN } from './log-file-reader';

/** The stamp of the newest rotated file of `restart`. */
export function newestRotation(files: readonly ContainerLogFile[], restart: number): string | undefined {
  return files.filter((file) => file.restart === restart && file.rotatedAt !== undefined).at(-1)?.rotatedAt;
}

/** The later of two rotation stamps (`YYYYMMDD-HHMMSS` compares as text). */
export function laterRotation(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined || (b !== undefined && b > a) ? b : a;
}

/**
 * A truncation noticed at `reader`'s offset: among the rotated files of this restart made after
 * `seen` (oldest first), the copy is the first that holds, before that offset, what the reader read
 * there (its fingerprint); its rest is read, then every later copy whole (the file was copied and
 * truncated again before we noticed). The reader's own file, renamed since, ends the copies.
 * Returns the newest rotation stamp seen.
 */
export async function readRestOfCopy(
  dirPath: string,
  restart: number,
  reader: LogFileReader,
  seen: string | undefined,
  buffer: Buffer,
  onLine: LineHandler,
): Promise<string | undefined> {
  const rotated = await rotatedAfter(dirPath, restart, seen);
  let matched = false;
  for (const file of rotated) {
    const copy = await (matched ? openIfPresent(file.path, reader.maxLineBytes) : reader.continueIn(file.path).catch(() => undefined));
    if (!copy) continue;
    try {
      // The reader's own file, renamed since: what follows it are later files, not copies.
      if (copy.ino === reader.ino) break;
      const first = await copy.read(buffer, onLine);
      if (first === REWRITTEN) continue; // holds something else at that offset
      matched = true;
      if (first > 0) while (hasRead(await copy.read(buffer, onLine)));
    } finally {
      await copy.close();
    }
  }
  return laterRotation(seen, rotated.at(-1)?.rotatedAt);
}

/**
 * Before anything of `reader`'s file is read: copies of it made after `seen` hold its first lines
 * (it was copied and truncated before we read a byte), so they are read whole, oldest first, up to
 * the reader's own file if it was renamed since. Returns the newest rotation stamp seen and how many
 * copies were read.
 */
export async function readCopiesBeforeStart(
  dirPath: string,
  restart: number,
  reader: LogFileReader,
  seen: string | undefined,
  buffer: Buffer,
  onLine: LineHandler,
): Promise<{ readonly seen: string | undefined; readonly copies: number }> {
  const rotated = await rotatedAfter(dirPath, restart, seen);
  let copies = 0;
  for (const file of rotated) {
    const copy = await openIfPresent(file.path, reader.maxLineBytes);
    if (!copy) continue;
    try {
      // The reader's own file, renamed since: what follows it are later files, not copies.
      if (copy.ino === reader.ino) break;
      copies++;
      while (hasRead(await copy.read(buffer, onLine)));
    } finally {
      await copy.close();
    }
  }
  return { seen: laterRotation(seen, rotated.at(-1)?.rotatedAt), copies };
}

/** Rotated files of `restart` with stamps after `seen`, oldest first. */
async function rotatedAfter(dirPath: string, restart: number, seen: string | undefined): Promise<ContainerLogFile[]> {
  const files = (await listLogFiles(dirPath)) ?? [];
  return files.filter((file) => file.restart === restart && file.rotatedAt !== undefined && laterRotation(seen, file.rotatedAt) !== seen);
}

async function openIfPresent(path: string, rawLineBytes: number): Promise<LogFileReader | undefined> {
  try {
    return await LogFileReader.open(path, rawLineBytes);
  } catch (error) {
    if (isMissing(error)) return undefined; // compressed or deleted meanwhile
    throw error;
  }
}
