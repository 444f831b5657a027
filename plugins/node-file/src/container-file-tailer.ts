// Follows one container directory's log across rename rotation, copytruncate and container
// restarts, decoding what is appended into records. Reusable outside the gateway (the agent).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

import type { LogRecord, TargetRef } from '@tailgate/plugin-sdk';

import { ContainerLogDecoder, type DecoderCounts } from './container-log-decoder';
import { type ContainerLogFile, currentLogFile, isMissing, listLogFiles } from './container-log-files';
import { LogFileReader } from './log-file-reader';

/** Room for the CRI header in front of a message of maxLineBytes. */
export const CRI_HEADER_BYTES = 128;

export interface ContainerLogDir {
  readonly target: TargetRef;
  readonly path: string;
}

/** Where the file being written ended when the stream was opened. */
export interface LogFileSnapshot {
  readonly path: string;
  readonly ino: number;
  readonly size: number;
}

export interface TailerOptions {
  readonly readChunkBytes: number;
  readonly maxLineBytes: number;
}

export interface TailerPoll {
  readonly records: LogRecord[];
  /** Nothing more to read right now. */
  readonly idle: boolean;
  /** The directory disappeared; everything readable was returned. */
  readonly gone: boolean;
}

interface UnreadFile {
  readonly reader: LogFileReader;
  readonly restart: number;
}

export class ContainerFileTailer {
  private reader: LogFileReader | undefined;
  private restart = 0;
  /** Files written after the one being read, already open, to be read in this order. */
  private unread: UnreadFile[] = [];
  private decoder: ContainerLogDecoder;
  private readonly buffer: Buffer;

  /** @param startAt without it, the directory's files are read from their start. */
  constructor(
    readonly dir: ContainerLogDir,
    private readonly options: TailerOptions,
    private readonly startAt?: LogFileSnapshot,
  ) {
    this.decoder = new ContainerLogDecoder(dir.target, options.maxLineBytes);
    this.buffer = Buffer.allocUnsafe(options.readChunkBytes);
  }

  get counts(): DecoderCounts {
    return this.decoder.counts;
  }

  /** Reads until end of file or until at least `maxRecords` records were decoded. */
  async poll(maxRecords: number): Promise<TailerPoll> {
    const records: LogRecord[] = [];
    if (!this.reader) {
      const opened = await this.openFirst();
      if (opened !== 'open') return { records, idle: true, gone: opened === 'gone' };
    }
    while (records.length < maxRecords) {
      if ((await this.readChunk(records)) > 0) continue;
      const next = await this.followRotation(records);
      if (next !== 'switched') return { records, idle: true, gone: next === 'gone' };
    }
    return { records, idle: false, gone: false };
  }

  async close(): Promise<void> {
    const readers = [...(this.reader ? [this.reader] : []), ...this.unread.map((file) => file.reader)];
    this.reader = undefined;
    this.unread = [];
    await Promise.all(readers.map((reader) => reader.close()));
  }

  private async openFirst(): Promise<'open' | 'none' | 'gone'> {
    const files = await listLogFiles(this.dir.path);
    if (!files) return 'gone';
    const file = currentLogFile(files);
    if (!file) return 'none';
    const resumeAt = this.startAt?.path === file.path ? this.startAt : undefined;
    this.restart = file.restart;
    if (resumeAt) await this.resume(resumeAt);
    if (!this.reader) this.reader = await LogFileReader.open(file.path, 0, this.rawLineBytes);
    return 'open';
  }

  /**
   * Opens the file at the end recorded at open, after replaying the lines before it to set up
   * cursor and partial-line state. The replayed window grows while it holds a single timestamp,
   * so sequence numbers match a reader that started at the top of the file.
   */
  private async resume(at: LogFileSnapshot): Promise<void> {
    for (let window = this.buffer.length; ; window *= 2) {
      const reader = await LogFileReader.open(at.path, at.size - window, this.rawLineBytes);
      if (reader.ino !== at.ino) return void (await reader.close());
      this.decoder = new ContainerLogDecoder(this.dir.target, this.options.maxLineBytes);
      const instants: string[] = [];
      const replay = (line: Buffer, cut: boolean): void => {
        const record = this.decoder.decode(line, cut);
        if (record) instants.push(record.cursor.slice(0, 20));
      };
      while ((await reader.read(this.buffer, replay, at.size)) > 0);
      if (window >= at.size || (instants.length > 0 && instants[0] !== instants.at(-1))) {
        this.decoder.resetCounts();
        this.reader = reader;
        return;
      }
      await reader.close();
    }
  }

  private async readChunk(records: LogRecord[]): Promise<number> {
    if (!this.reader) return 0;
    return this.reader.read(this.buffer, (line, overflowed) => this.decodeInto(records, line, overflowed));
  }

  private decodeInto(records: LogRecord[], line: Buffer, overflowed: boolean): void {
    const record = this.decoder.decode(line, overflowed);
    if (record) records.push(record);
  }

  private async drain(records: LogRecord[]): Promise<void> {
    while ((await this.readChunk(records)) > 0);
  }

  /**
   * At end of file: move on when the container restarted or the file was renamed away, through
   * every file written since (several rotations may happen between two polls), oldest first.
   */
  private async followRotation(records: LogRecord[]): Promise<'same' | 'switched' | 'gone'> {
    const reader = this.reader;
    if (!reader) return 'same';
    if (this.unread.length === 0) {
      const change = await this.changeOf(reader);
      if (change === 'same' || change === 'gone') return change;
      if (change === 'truncated') {
        await this.readTruncatedCopy(records);
        reader.rewind();
        return 'switched';
      }
      await this.drain(records);
      this.unread = await this.filesAfter(reader.ino);
    }
    const next = this.unread.shift();
    if (!next) return 'same';
    await reader.close();
    this.reader = next.reader;
    this.restart = next.restart;
    return 'switched';
  }

  private async changeOf(reader: LogFileReader): Promise<'same' | 'moved' | 'truncated' | 'gone'> {
    if (await exists(join(this.dir.path, `${this.restart + 1}.log`))) return 'moved';
    const current = await statOrUndefined(reader.path);
    if (!current) return (await exists(this.dir.path)) ? 'same' : 'gone';
    if (current.ino !== reader.ino) return 'moved';
    return current.size < reader.offset ? 'truncated' : 'same';
  }

  /**
   * The files written after the one with inode `ino` (just the current one if that is gone), opened
   * right away so that further renames cannot slip another file past us; retried if one happens
   * between listing and opening.
   */
  private async filesAfter(ino: number): Promise<UnreadFile[]> {
    for (let attempt = 0; ; attempt++) {
      const files = (await listLogFiles(this.dir.path)) ?? [];
      const listed = await Promise.all(files.map(async (file) => ({ file, ino: (await statOrUndefined(file.path))?.ino })));
      const position = listed.findIndex((entry) => entry.ino === ino);
      const current = currentLogFile(files);
      const wanted = position >= 0 ? listed.slice(position + 1) : listed.filter((entry) => entry.file === current);
      const opened = await Promise.all(wanted.map((entry) => this.openUnread(entry.file)));
      const stable = opened.every((file, i) => file !== undefined && file.reader.ino === wanted[i]?.ino);
      if (stable || attempt >= 5) return opened.flatMap((file) => file ?? []);
      await Promise.all(opened.flatMap((file) => (file ? [file.reader.close()] : [])));
    }
  }

  private async openUnread(file: ContainerLogFile): Promise<UnreadFile | undefined> {
    try {
      return { reader: await LogFileReader.open(file.path, 0, this.rawLineBytes), restart: file.restart };
    } catch (error) {
      if (isMissing(error)) return undefined; // compressed or deleted meanwhile
      throw error;
    }
  }

  /**
   * copytruncate: what was appended between our last read and the truncation is only in the copy,
   * taken to be the newest rotated file of this restart when it is at least as long as what we read.
   */
  private async readTruncatedCopy(records: LogRecord[]): Promise<void> {
    const reader = this.reader;
    const copy = (await listLogFiles(this.dir.path))?.filter((f) => f.restart === this.restart && f.rotatedAt !== undefined).at(-1);
    if (!reader || !copy) return;
    const copyReader = await reader.continueIn(copy.path).catch(() => undefined);
    if (!copyReader) return;
    try {
      if ((await copyReader.size()) < reader.offset) return;
      while ((await copyReader.read(this.buffer, (line, cut) => this.decodeInto(records, line, cut))) > 0);
    } finally {
      await copyReader.close();
    }
  }

  private get rawLineBytes(): number {
    return this.options.maxLineBytes + CRI_HEADER_BYTES;
  }
}

async function statOrUndefined(path: string): Promise<{ ino: number; size: number } | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return (await statOrUndefined(path)) !== undefined;
}
