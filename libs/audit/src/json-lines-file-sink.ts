// The JSON-lines file sink, kube-apiserver's `--audit-log-path` with `--audit-log-format=json`:
// one Event per line, rotated by size. Before a line would take the file past `maxBytes`, the
// file moves to `<path>.1`, `.1` to `.2` and so on; `.<maxBackups>` is deleted. The disk use is
// therefore at most (maxBackups + 1) × maxBytes, plus one line when a single line is larger.
import type { FileHandle } from 'node:fs/promises';
import { open, rename, rm } from 'node:fs/promises';

import type { AuditEvent } from './audit-event';
import { auditEventLine, type AuditSink } from './audit-sink';

export interface JsonLinesFileSinkOptions {
  readonly path: string;
  /** Rotate before the file would grow past this. Default 100 MiB. */
  readonly maxBytes?: number;
  /** Rotated files kept (`<path>.1` … `<path>.<maxBackups>`); 0 keeps none. Default 5. */
  readonly maxBackups?: number;
  /** Metrics label. Default `file`. */
  readonly name?: string;
  /** Permissions of new files: audit trails name users and pods. Default 0o600. */
  readonly mode?: number;
}

export const FILE_SINK_DEFAULTS = { maxBytes: 100 * 1024 * 1024, maxBackups: 5, name: 'file', mode: 0o600 } as const;

export class JsonLinesFileSink implements AuditSink {
  readonly name: string;
  private readonly maxBytes: number;
  private readonly maxBackups: number;
  private file: { readonly handle: FileHandle; size: number } | undefined;

  constructor(private readonly options: JsonLinesFileSinkOptions) {
    this.name = options.name ?? FILE_SINK_DEFAULTS.name;
    this.maxBytes = options.maxBytes ?? FILE_SINK_DEFAULTS.maxBytes;
    this.maxBackups = options.maxBackups ?? FILE_SINK_DEFAULTS.maxBackups;
    if (!Number.isInteger(this.maxBytes) || this.maxBytes < 1) throw new RangeError(`maxBytes must be a positive integer`);
    if (!Number.isInteger(this.maxBackups) || this.maxBackups < 0) throw new RangeError(`maxBackups must be an integer ≥ 0`);
  }

  async deliver(batch: readonly AuditEvent[], signal: AbortSignal): Promise<void> {
    // Lines are grouped into one write per file, so a batch costs one or two system calls.
    let chunk: Buffer[] = [];
    let chunkBytes = 0;
    for (const event of batch) {
      signal.throwIfAborted();
      const line = Buffer.from(auditEventLine(event));
      const file = await this.openFile();
      if (file.size + chunkBytes > 0 && file.size + chunkBytes + line.length > this.maxBytes) {
        await this.write(chunk);
        [chunk, chunkBytes] = [[], 0];
        await this.rotate();
      }
      chunk.push(line);
      chunkBytes += line.length;
    }
    await this.write(chunk);
  }

  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await file?.handle.close();
  }

  private async openFile(): Promise<{ readonly handle: FileHandle; size: number }> {
    if (this.file === undefined) {
      const handle = await open(this.options.path, 'a', this.options.mode ?? FILE_SINK_DEFAULTS.mode);
      this.file = { handle, size: (await handle.stat()).size };
    }
    return this.file;
  }

  private async write(chunk: readonly Buffer[]): Promise<void> {
    if (chunk.length === 0) return;
    const file = await this.openFile();
    const data = Buffer.concat(chunk);
    await file.handle.write(data);
    file.size += data.length;
  }

  private async rotate(): Promise<void> {
    await this.close();
    const { path } = this.options;
    if (this.maxBackups === 0) {
      await rm(path, { force: true });
      return;
    }
    await rm(`${path}.${this.maxBackups}`, { force: true });
    for (let n = this.maxBackups - 1; n >= 1; n--) await renameIfExists(`${path}.${n}`, `${path}.${n + 1}`);
    await renameIfExists(path, `${path}.1`);
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
