// Opens a container's tail where it should start: the file being written from its top; the end of
// a snapshot (replaying the lines before it, so cursors continue as a reader from the top would
// give them); or a saved position, found again by inode and fingerprint. Snapshots and positions
// name the file by inode, so a rotation between the start and the first read loses nothing. When a saved position's
// file is gone (deleted or compressed since), the oldest file left of that container instance is
// read from its top, skipping what was handed out, and the opening reports a gap.
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

import type { ContainerLogDir, TailerOptions } from './container-log-dir';
import { ContainerLogDecoder } from './container-log-decoder';
import { type ContainerLogFile, currentLogFile, isMissing, listLogFiles, parseLogFileName } from './container-log-files';
import { newestRotation } from './copytruncate-copies';
import type { LogFileSnapshot } from './log-file-snapshot';
import { hasRead, LogFileReader } from './log-file-reader';
import type { TailerStart, TailPosition } from './tail-position';

/** Room for the CRI header in front of a message of maxLineBytes. */
export const CRI_HEADER_BYTES = 128;

export interface OpenedTail {
  readonly reader: LogFileReader;
  readonly restart: number;
  readonly decoder: ContainerLogDecoder;
  /** Records with cursors up to this one were handed out before: skip them. */
  readonly skipThrough: string | undefined;
  /** A saved position could not be found again: lines may be missing before the first record. */
  readonly gap: boolean;
  /** The newest rotated file of `restart` when the reader was opened (see copytruncate-copies). */
  readonly seenRotation: string | undefined;
}

/** `none`: no log file yet; `gone`: the directory is gone. */
export type TailOpening = OpenedTail | 'none' | 'gone';

export function rawLineBytes(options: TailerOptions): number {
  return options.maxLineBytes + CRI_HEADER_BYTES;
}

export async function openTail(
  dir: ContainerLogDir,
  start: TailerStart | undefined,
  options: TailerOptions,
  buffer: Buffer,
): Promise<TailOpening> {
  const files = await listLogFiles(dir.path);
  if (!files) return 'gone';
  const opened = await openIn(dir, files, start, options, buffer);
  return typeof opened === 'string' ? opened : { ...opened, seenRotation: newestRotation(files, opened.restart) };
}

async function openIn(
  dir: ContainerLogDir,
  files: readonly ContainerLogFile[],
  start: TailerStart | undefined,
  options: TailerOptions,
  buffer: Buffer,
): Promise<Omit<OpenedTail, 'seenRotation'> | 'none'> {
  if (start?.at === 'position') return openAtPosition(dir, files, start.position, options);
  const current = currentLogFile(files);
  if (!current) return 'none';
  // The snapshot's file, found by inode: it may have been rotated since.
  const snapshot = start?.at === 'first-open-end' ? await snapshotOf(current) : start?.at === 'end' ? start.file : undefined;
  const file = snapshot && (await withInode(dir.path, files, snapshot.ino));
  const replayed = snapshot && file ? await replayToEnd(dir, { ...snapshot, path: file.path }, options, buffer) : undefined;
  if (file && replayed) return { ...replayed, restart: file.restart, skipThrough: undefined, gap: false };
  const reader = await LogFileReader.open(current.path, rawLineBytes(options));
  return {
    reader,
    restart: current.restart,
    decoder: new ContainerLogDecoder(dir.target, options.maxLineBytes),
    skipThrough: undefined,
    gap: false,
  };
}

/** The top of a file as a saved position: reading from it binds to the file, even if it is rotated before the first read. */
export function positionAtTop(file: LogFileSnapshot): TailPosition {
  return { path: file.path, ino: file.ino, offset: 0, fingerprint: '', clock: { epochNanos: '', sequence: 0 } };
}

/**
 * Opens the file at the snapshot's end after replaying the lines before it to set up cursor and
 * partial-line state. The replayed window grows while it holds a single instant, so sequence
 * numbers match a reader that started at the top of the file. Undefined: the file was replaced.
 */
async function replayToEnd(
  dir: ContainerLogDir,
  at: LogFileSnapshot,
  options: TailerOptions,
  buffer: Buffer,
): Promise<{ reader: LogFileReader; decoder: ContainerLogDecoder } | undefined> {
  for (let window = buffer.length; ; window *= 2) {
    const reader = await LogFileReader.open(at.path, rawLineBytes(options), { offset: at.size - window, at: 'mid-line' });
    if (reader.ino !== at.ino) return void (await reader.close());
    const decoder = new ContainerLogDecoder(dir.target, options.maxLineBytes);
    let first: string | undefined;
    let last: string | undefined;
    const replay = (line: Buffer, cut: boolean): void => {
      const record = decoder.decode(line, cut);
      if (!record) return;
      last = record.cursor.slice(0, 20);
      first ??= last;
    };
    while (hasRead(await reader.read(buffer, replay, at.size)));
    if (window >= at.size || first !== last) {
      decoder.resetCounts();
      return { reader, decoder };
    }
    await reader.close();
  }
}

async function openAtPosition(
  dir: ContainerLogDir,
  files: readonly ContainerLogFile[],
  position: TailPosition,
  options: TailerOptions,
): Promise<Omit<OpenedTail, 'seenRotation'> | 'none'> {
  const file = await withInode(dir.path, files, position.ino);
  if (file) {
    const fingerprint = Buffer.from(position.fingerprint, 'base64');
    const reader = await LogFileReader.open(file.path, rawLineBytes(options), { offset: position.offset, at: 'line-start', fingerprint });
    if (reader.ino === position.ino && (await reader.stillHolds())) {
      const decoder = new ContainerLogDecoder(dir.target, options.maxLineBytes, position.clock);
      return { reader, restart: file.restart, decoder, skipThrough: position.cursor, gap: false };
    }
    await reader.close();
  }
  const restart = parseLogFileName(dirname(position.path), basename(position.path))?.restart ?? 0;
  const from = files.find((f) => f.restart >= restart) ?? currentLogFile(files);
  if (!from) return 'none';
  const reader = await LogFileReader.open(from.path, rawLineBytes(options));
  const decoder = new ContainerLogDecoder(dir.target, options.maxLineBytes);
  return { reader, restart: from.restart, decoder, skipThrough: position.cursor, gap: true };
}

async function snapshotOf(file: ContainerLogFile): Promise<LogFileSnapshot> {
  const { ino, size } = await stat(file.path);
  return { path: file.path, ino, size };
}

/** The listed file with inode `ino`; listed again when a rename may have raced the listing. */
async function withInode(dirPath: string, listed: readonly ContainerLogFile[], ino: number): Promise<ContainerLogFile | undefined> {
  let files = listed;
  for (let attempt = 0; attempt < 3; attempt++) {
    let raced = false;
    for (const file of files) {
      try {
        if ((await stat(file.path)).ino === ino) return file;
      } catch (error) {
        if (!isMissing(error)) throw error;
        raced = true;
      }
    }
    const again = await listLogFiles(dirPath);
    if (!again) return undefined;
    // Unchanged names and no file vanished under us: the inode is really gone.
    if (!raced && again.length === files.length && again.every((file, i) => file.path === files[i]?.path)) return undefined;
    files = again;
  }
  return undefined;
}
