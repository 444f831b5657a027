// Follows one container directory's log across rename rotation, copytruncate and container
// restarts, decoding what is appended into records and keeping the position to resume from.
// The one tailer behind the agent and the in-gateway node-file source (see AgentTail).
import { join } from 'node:path';

import type { LogRecord } from '@tailgate/plugin-sdk';

import type { ContainerLogDir, TailerOptions } from './container-log-dir';
import type { ClockState, ContainerLogDecoder } from './container-log-decoder';
import { type ContainerLogFile, exists, statOrUndefined } from './container-log-files';
import { newestRotation, readCopiesBeforeStart, readRestOfCopy } from './copytruncate-copies';
import { openFilesWrittenAfter, type UnreadFile } from './files-written-after';
import { hasRead, type LogFileReader, type ReadResult, REWRITTEN } from './log-file-reader';
import { type OpenedTail, openTail, rawLineBytes } from './open-tail';
import type { TailerStart, TailPosition } from './tail-position';

export interface TailerPoll {
  readonly records: LogRecord[];
  /** Nothing more to read right now. */
  readonly idle: boolean;
  /** The directory disappeared; everything readable was returned. */
  readonly gone: boolean;
  /** A saved position was not found again: lines may be missing before these records. */
  readonly gap: boolean;
}

/** What a tailer has done since it was made; all counts only grow. */
export interface TailCounts {
  readonly bytes: number;
  readonly records: number;
  readonly malformed: number;
  readonly truncated: number;
  readonly rotations: number;
  readonly truncations: number;
  readonly gaps: number;
}

/** A line start with no partial entry pending: where a restart may pick up. */
interface Checkpoint {
  readonly path: string;
  readonly ino: number;
  readonly offset: number;
  readonly fingerprint: Buffer;
  readonly clock: ClockState;
}

export class ContainerFileTailer {
  private reader: LogFileReader | undefined;
  private restart = 0;
  /** Files written after the one being read, already open, to be read in this order. */
  private unread: UnreadFile[] = [];
  /** The listing `unread` was chosen from. */
  private unreadListing: readonly ContainerLogFile[] = [];
  private decoder: ContainerLogDecoder | undefined;
  private skipThrough: string | undefined;
  private lastCursor: string | undefined;
  private checkpoint: Checkpoint | undefined;
  /** The newest rotated file of this restart accounted for (see copytruncate-copies). */
  private seenRotation: string | undefined;
  private readonly counted = { bytes: 0, records: 0, rotations: 0, truncations: 0, gaps: 0 };
  /** The last position built, reused while neither the checkpoint nor the cursor moved (asked every second). */
  private builtPosition: { at: object; cursor: string | undefined; position: TailPosition } | undefined;

  /**
   * @param start without it, the file being written is read from its start.
   * @param buffer reused for every read; tailers polled one at a time may share one.
   */
  constructor(
    readonly dir: ContainerLogDir,
    private readonly options: TailerOptions,
    private readonly start?: TailerStart,
    private readonly buffer: Buffer = Buffer.allocUnsafe(options.readChunkBytes),
  ) {
    if (start?.at === 'position') this.lastCursor = start.position.cursor;
  }

  get counts(): TailCounts {
    const decoded = this.decoder?.counts ?? { malformed: 0, truncated: 0 };
    return { ...this.counted, ...decoded };
  }

  /** Where to resume so that the next record is the one after the last handed out. */
  get position(): TailPosition | undefined {
    const at = this.checkpoint;
    if (!at) return this.start?.at === 'position' ? this.start.position : undefined;
    const built = this.builtPosition;
    if (built?.at === at && built.cursor === this.lastCursor) return built.position;
    const { path, ino, offset, clock } = at;
    const base = { path, ino, offset, fingerprint: at.fingerprint.toString('base64'), clock };
    const position = this.lastCursor === undefined ? base : { ...base, cursor: this.lastCursor };
    this.builtPosition = { at, cursor: this.lastCursor, position };
    return position;
  }

  /**
   * Reads until end of file or until at least `maxRecords` records were decoded.
   * @param lookForNewFiles at end of file, check for a rotation or a restart's new file (false when
   *   the caller knows no name in the directory changed: inotify reported none).
   */
  async poll(maxRecords: number, lookForNewFiles = true): Promise<TailerPoll> {
    const records: LogRecord[] = [];
    let gap = false;
    if (!this.reader) {
      const opened = await openTail(this.dir, this.start, this.options, this.buffer);
      if (opened === 'none' || opened === 'gone') return { records, idle: true, gone: opened === 'gone', gap };
      gap = this.adopt(opened);
    }
    try {
      while (records.length < maxRecords) {
        const read = await this.readChunk(records);
        if (read === REWRITTEN) await this.startOverTruncated(records);
        else if (read > 0) continue;
        else {
          const next = await this.followRotation(records, lookForNewFiles);
          if (next !== 'switched') return { records, idle: true, gone: next === 'gone', gap };
        }
      }
      return { records, idle: false, gone: false, gap };
    } finally {
      this.counted.records += records.length;
    }
  }

  async close(): Promise<void> {
    const readers = [...(this.reader ? [this.reader] : []), ...this.unread.map((file) => file.reader)];
    this.reader = undefined;
    this.unread = [];
    await Promise.all(readers.map((reader) => reader.close()));
  }

  private adopt(opened: OpenedTail): boolean {
    this.reader = opened.reader;
    this.restart = opened.restart;
    this.decoder = opened.decoder;
    this.skipThrough = opened.skipThrough;
    this.seenRotation = opened.seenRotation;
    if (opened.gap) this.counted.gaps++;
    this.takeCheckpoint();
    return opened.gap;
  }

  private async readChunk(records: LogRecord[]): Promise<ReadResult> {
    const reader = this.reader;
    if (!reader) return 0;
    const decode = (line: Buffer, overflowed: boolean): void => this.decodeInto(records, line, overflowed);
    // copytruncate happens to the file being written; a rotated file in the queue is read as it is.
    if (reader.atStart && reader.path === this.currentPath) {
      const { seen, copies } = await readCopiesBeforeStart(this.dir.path, this.restart, reader, this.seenRotation, this.buffer, decode);
      this.seenRotation = seen;
      this.counted.truncations += copies;
      if (copies > 0) this.takeCheckpoint();
    }
    const read = await reader.read(this.buffer, decode);
    if (read !== REWRITTEN && read > 0) {
      this.counted.bytes += read;
      this.takeCheckpoint();
    }
    return read;
  }

  private decodeInto(records: LogRecord[], line: Buffer, overflowed: boolean): void {
    const record = this.decoder?.decode(line, overflowed);
    if (!record) return;
    if (this.skipThrough !== undefined) {
      if (record.cursor <= this.skipThrough) return;
      this.skipThrough = undefined;
    }
    records.push(record);
    this.lastCursor = record.cursor;
  }

  private takeCheckpoint(): void {
    const reader = this.reader;
    if (!reader || !this.decoder || reader.midLine || this.decoder.hasPending) return;
    const { path, ino, offset } = reader;
    this.checkpoint = { path, ino, offset, fingerprint: reader.fingerprint(), clock: this.decoder.clockState };
  }

  private async drain(records: LogRecord[]): Promise<void> {
    while (hasRead(await this.readChunk(records)));
  }

  /**
   * At end of file: move on when the container restarted or the file was renamed away, through
   * every file written since (several rotations may happen between two polls), oldest first.
   */
  private async followRotation(records: LogRecord[], lookForNewFiles: boolean): Promise<'same' | 'switched' | 'gone'> {
    const reader = this.reader;
    if (!reader) return 'same';
    if (this.unread.length === 0) {
      if (!lookForNewFiles) return 'same';
      const change = await this.changeOf(reader);
      if (change === 'same' || change === 'gone') return change;
      if (change === 'truncated') {
        await this.startOverTruncated(records);
        return 'switched';
      }
      await this.drain(records);
      const after = await openFilesWrittenAfter(this.dir.path, reader.ino, rawLineBytes(this.options));
      this.unread = after.unread;
      this.unreadListing = after.listed;
    }
    const next = this.unread.shift();
    if (!next) return 'same';
    await reader.close();
    this.reader = next.reader;
    this.restart = next.restart;
    this.seenRotation = newestRotation(this.unreadListing, next.restart);
    this.counted.rotations++;
    this.takeCheckpoint();
    return 'switched';
  }

  /** The file the container instance being read writes to. */
  private get currentPath(): string {
    return join(this.dir.path, `${this.restart}.log`);
  }

  private async changeOf(reader: LogFileReader): Promise<'same' | 'moved' | 'truncated' | 'gone'> {
    if (await exists(join(this.dir.path, `${this.restart + 1}.log`))) return 'moved';
    const currentPath = this.currentPath;
    // Reading a rotated file (resumed from a saved position): the files after it come next.
    if (reader.path !== currentPath) return (await exists(this.dir.path)) ? 'moved' : 'gone';
    const current = await statOrUndefined(currentPath);
    if (!current) return (await exists(this.dir.path)) ? 'same' : 'gone';
    if (current.ino !== reader.ino) return 'moved';
    return current.size < reader.offset ? 'truncated' : 'same';
  }

  /** copytruncate (or any rewrite in place): finish from the copy, then start over at the top. */
  private async startOverTruncated(records: LogRecord[]): Promise<void> {
    const reader = this.reader;
    if (!reader) return;
    const decode = (line: Buffer, cut: boolean): void => this.decodeInto(records, line, cut);
    this.seenRotation = await readRestOfCopy(this.dir.path, this.restart, reader, this.seenRotation, this.buffer, decode);
    reader.rewind();
    this.counted.truncations++;
    this.takeCheckpoint();
  }
}
