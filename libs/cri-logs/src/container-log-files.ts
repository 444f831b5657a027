// The log files kubelet keeps in one container directory: `<restart>.log`, rotated ones as
// `<restart>.log.<YYYYMMDD-HHMMSS>` (compressed `.gz` ones are not read), in the order written.
import { readdirSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface ContainerLogFile {
  readonly path: string;
  readonly restart: number;
  /** `YYYYMMDD-HHMMSS` of a rotated file; undefined for the file being written. */
  readonly rotatedAt?: string;
}

const ROTATED_STAMP_LENGTH = 'YYYYMMDD-HHMMSS'.length;

export function parseLogFileName(dir: string, name: string): ContainerLogFile | undefined {
  const dot = name.indexOf('.log');
  if (dot <= 0 || !isDigits(name, 0, dot)) return undefined;
  const restart = Number(name.slice(0, dot));
  const rest = name.slice(dot + 4);
  if (rest === '') return { path: join(dir, name), restart };
  const stamp = rest.slice(1);
  const wellFormed = rest[0] === '.' && stamp.length === ROTATED_STAMP_LENGTH && stamp[8] === '-';
  if (!wellFormed || !isDigits(stamp, 0, 8) || !isDigits(stamp, 9, ROTATED_STAMP_LENGTH)) return undefined;
  return { path: join(dir, name), restart, rotatedAt: stamp };
}

/** Oldest first: by restart count, then rotated files by stamp, then the one being written. */
export function sortLogFiles(files: readonly ContainerLogFile[]): ContainerLogFile[] {
  const rank = (f: ContainerLogFile): string => f.rotatedAt ?? '~';
  return [...files].sort((a, b) => a.restart - b.restart || (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
}

/** The file the newest container instance writes to. */
export function currentLogFile(files: readonly ContainerLogFile[]): ContainerLogFile | undefined {
  return sortLogFiles(files.filter((f) => f.rotatedAt === undefined)).at(-1);
}

/** Undefined when the directory is gone. */
export async function listLogFiles(dir: string): Promise<ContainerLogFile[] | undefined> {
  try {
    return namesToFiles(dir, await readdir(dir));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export function listLogFilesSync(dir: string): ContainerLogFile[] | undefined {
  try {
    return namesToFiles(dir, readdirSync(dir));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Undefined when nothing is at `path`. */
export async function statOrUndefined(path: string): Promise<{ ino: number; size: number } | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export async function exists(path: string): Promise<boolean> {
  return (await statOrUndefined(path)) !== undefined;
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function namesToFiles(dir: string, names: readonly string[]): ContainerLogFile[] {
  return sortLogFiles(names.flatMap((name) => parseLogFileName(dir, name) ?? []));
}

function isDigits(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
