// One open log file read forward in chunks from an offset; lines go through a LineSplitter.
import { type FileHandle, open } from 'node:fs/promises';

import { type LineHandler, LineSplitter } from '@tailgate/plugin-sdk';

export class LogFileReader {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    /** Identifies the file behind `path`, to notice a rename rotation. */
    readonly ino: number,
    private position: number,
    private readonly splitter: LineSplitter,
  ) {}

  /** Opens `path` at `offset`; a non-zero offset skips to the start of the next line. */
  static async open(path: string, offset: number, maxLineBytes: number): Promise<LogFileReader> {
    return LogFileReader.openWith(path, (size) => {
      const position = Math.max(0, Math.min(offset, size));
      return { position, splitter: new LineSplitter(maxLineBytes, position > 0) };
    });
  }

  /** Opens a copy of this file at this reader's offset, carrying over an unfinished line. */
  async continueIn(path: string): Promise<LogFileReader> {
    return LogFileReader.openWith(path, () => ({ position: this.position, splitter: this.splitter }));
  }

  private static async openWith(
    path: string,
    start: (size: number) => { position: number; splitter: LineSplitter },
  ): Promise<LogFileReader> {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      const { position, splitter } = start(stat.size);
      return new LogFileReader(path, handle, stat.ino, position, splitter);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get offset(): number {
    return this.position;
  }

  /** Reads one chunk into `buffer` (at most up to `limit`); 0 means end of file. */
  async read(buffer: Buffer, onLine: LineHandler, limit = Number.POSITIVE_INFINITY): Promise<number> {
    const length = Math.min(buffer.length, limit - this.position);
    if (length <= 0) return 0;
    const { bytesRead } = await this.handle.read(buffer, 0, length, this.position);
    this.position += bytesRead;
    if (bytesRead > 0) this.splitter.push(buffer.subarray(0, bytesRead), onLine);
    return bytesRead;
  }

  /** The file was truncated in place (copytruncate): start over from its beginning. */
  rewind(): void {
    this.position = 0;
    this.splitter.reset();
  }

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
