// The records one container directory still holds (current and uncompressed rotated files,
// oldest first), decoded exactly as the live stream decodes them so cursors match.
import type { LogRecord } from '@tailgate/plugin-sdk';

import { CRI_HEADER_BYTES, type ContainerLogDir, type TailerOptions } from './container-file-tailer';
import { ContainerLogDecoder } from './container-log-decoder';
import { toEpochNanos } from './cri-cursor';
import { isMissing, listLogFiles } from './container-log-files';
import { LogFileReader } from './log-file-reader';

export interface BacklogWindow {
  /** Keep at most this many, the newest. */
  readonly tail?: number;
  /** 20-digit epoch nanoseconds (see cri-cursor); keep records at or after it. */
  readonly sinceNanos?: string;
}

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
    kept.push(record);
    if (window.tail !== undefined && kept.length > 2 * window.tail + 64) kept.splice(0, kept.length - window.tail);
  };
  for (const file of (await listLogFiles(dir.path)) ?? []) {
    signal.throwIfAborted();
    await readWholeFile(file.path, buffer, options.maxLineBytes + CRI_HEADER_BYTES, keep);
  }
  return window.tail === undefined ? kept : kept.slice(Math.max(0, kept.length - window.tail));
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
