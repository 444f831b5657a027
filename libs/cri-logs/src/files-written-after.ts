// After a rotation: the log files written after the one a tailer was reading, opened at once, in
// the order they were written, so that further renames cannot slip another file past the tailer.
import { type ContainerLogFile, currentLogFile, isMissing, listLogFiles, statOrUndefined } from './container-log-files';
import { LogFileReader } from './log-file-reader';

export interface UnreadFile {
  readonly reader: LogFileReader;
  readonly restart: number;
}

export interface FilesWrittenAfter {
  readonly unread: UnreadFile[];
  /** The listing they were chosen from. */
  readonly listed: readonly ContainerLogFile[];
}

/**
 * The files after the one with inode `ino` (just the current one if that is gone); listed and
 * opened again when a rename happens between listing and opening.
 */
export async function openFilesWrittenAfter(dirPath: string, ino: number, rawLineBytes: number): Promise<FilesWrittenAfter> {
  for (let attempt = 0; ; attempt++) {
    const files = (await listLogFiles(dirPath)) ?? [];
    const listed = await Promise.all(files.map(async (file) => ({ file, ino: (await statOrUndefined(file.path))?.ino })));
    const position = listed.findIndex((entry) => entry.ino === ino);
    const current = currentLogFile(files);
    const wanted = position >= 0 ? listed.slice(position + 1) : listed.filter((entry) => entry.file === current);
    const opened = await Promise.all(wanted.map((entry) => openUnread(entry.file, rawLineBytes)));
    const stable = opened.every((file, i) => file !== undefined && file.reader.ino === wanted[i]?.ino);
    if (stable || attempt >= 5) return { unread: opened.flatMap((file) => file ?? []), listed: files };
    await Promise.all(opened.flatMap((file) => (file ? [file.reader.close()] : [])));
  }
}

async function openUnread(file: ContainerLogFile, rawLineBytes: number): Promise<UnreadFile | undefined> {
  try {
    return { reader: await LogFileReader.open(file.path, rawLineBytes), restart: file.restart };
  } catch (error) {
    if (isMissing(error)) return undefined; // compressed or deleted meanwhile
    throw error;
  }
}
