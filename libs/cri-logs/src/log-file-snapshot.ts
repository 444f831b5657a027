// Where the file a container is writing ended at one instant, taken synchronously so that no write
// can slip between "the stream opened" and "the stream starts here".
import { statSync } from 'node:fs';

import { currentLogFile, isMissing, listLogFilesSync } from './container-log-files';

export interface LogFileSnapshot {
  readonly path: string;
  readonly ino: number;
  readonly size: number;
}

/** Undefined when the directory holds no log file yet. */
export function snapshotLogFile(dirPath: string): LogFileSnapshot | undefined {
  const file = currentLogFile(listLogFilesSync(dirPath) ?? []);
  if (!file) return undefined;
  try {
    const { ino, size } = statSync(file.path);
    return { path: file.path, ino, size };
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}
