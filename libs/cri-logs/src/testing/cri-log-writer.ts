// Writes container log files as kubelet and containerd lay them out, for tests, e2e suites and the
// demo: `<root>/<namespace>_<pod>_<uid>/<container>/<restartCount>.log`, one CRI entry a line.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { appendFile, copyFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CriLogWriterTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** Default: a random UUID. */
  readonly uid?: string;
}

export interface CriWriteOptions {
  /** Default: stdout. */
  readonly stream?: 'stdout' | 'stderr';
  /** Default: now, nanosecond digits, strictly increasing within this process. A string is written verbatim. */
  readonly ts?: Date | string;
  /** Split the message into `P` entries of at most this many bytes, the last one `F` (containerd uses 16 KiB). */
  readonly partialChunkBytes?: number;
}

let lastNanos = 0n;

/** An RFC 3339 timestamp with 9 fraction digits; successive calls never repeat or go back. */
export function nextCriTimestamp(): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  lastNanos = now > lastNanos ? now : lastNanos + 1n;
  const nanos = String(lastNanos % 1_000_000_000n).padStart(9, '0');
  return `${new Date(Number(lastNanos / 1_000_000n)).toISOString().slice(0, 19)}.${nanos}Z`;
}

/** The entries for one line, newline-terminated; split by bytes as the runtime does, even inside a character. */
export function encodeCriLine(line: string, options: CriWriteOptions = {}): Buffer {
  if (line.includes('\n')) throw new TypeError('a CRI log line cannot contain a newline: write each line separately');
  const ts = options.ts === undefined ? nextCriTimestamp() : typeof options.ts === 'string' ? options.ts : options.ts.toISOString();
  const message = Buffer.from(line);
  const chunkBytes = options.partialChunkBytes ?? Number.POSITIVE_INFINITY;
  const entries: Buffer[] = [];
  let start = 0;
  do {
    const end = Math.min(message.length, start + chunkBytes);
    const tag = end < message.length ? 'P' : 'F';
    entries.push(Buffer.from(`${ts} ${options.stream ?? 'stdout'} ${tag} `), message.subarray(start, end), Buffer.from('\n'));
    start = end;
  } while (start < message.length);
  return Buffer.concat(entries);
}

export class CriLogWriter {
  readonly podDirectory: string;
  readonly containerDirectory: string;
  private restarts = 0;
  private lastRotationSecond = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /** Creates the directories and an empty `0.log` right away, so a stream opened next sees the target. */
  constructor(
    root: string,
    private readonly ref: CriLogWriterTarget,
  ) {
    this.podDirectory = join(root, `${ref.namespace}_${ref.pod}_${ref.uid ?? randomUUID()}`);
    this.containerDirectory = join(this.podDirectory, ref.container);
    mkdirSync(this.containerDirectory, { recursive: true });
    writeFileSync(this.path, '', { flag: 'a' });
  }

  get target(): { namespace: string; pod: string; container: string } {
    return { namespace: this.ref.namespace, pod: this.ref.pod, container: this.ref.container };
  }

  /** The file being written: `<restartCount>.log`. */
  get path(): string {
    return join(this.containerDirectory, `${this.restarts}.log`);
  }

  async write(line: string, options: CriWriteOptions = {}): Promise<void> {
    await this.append(encodeCriLine(line, options));
  }

  /** Appends many lines in one write. */
  async writeMany(lines: readonly string[], options: CriWriteOptions = {}): Promise<void> {
    await this.append(Buffer.concat(lines.map((line) => encodeCriLine(line, options))));
  }

  /** Appends bytes as they are, e.g. malformed entries. */
  async writeRaw(data: string | Buffer): Promise<void> {
    await this.append(data);
  }

  /** Kubelet-style rotation: renames the file to `N.log.<YYYYMMDD-HHMMSS>` and starts an empty `N.log`. */
  rotate(): Promise<string> {
    return this.enqueue(async () => {
      const rotated = this.rotatedPath();
      await rename(this.path, rotated);
      await writeFile(this.path, '', { flag: 'a' });
      return rotated;
    });
  }

  /** logrotate `copytruncate`: copies the file to `N.log.<YYYYMMDD-HHMMSS>`, then empties it in place. */
  truncate(): Promise<string> {
    return this.enqueue(async () => {
      const copy = this.rotatedPath();
      await copyFile(this.path, copy);
      await truncate(this.path, 0);
      return copy;
    });
  }

  /** The container restarted: later lines go to a new, empty `<N+1>.log`. */
  restart(): Promise<void> {
    return this.enqueue(async () => {
      this.restarts++;
      await writeFile(this.path, '', { flag: 'a' });
    });
  }

  /** The pod was deleted: removes its whole directory. */
  remove(): Promise<void> {
    return this.enqueue(() => rm(this.podDirectory, { recursive: true, force: true }));
  }

  private append(data: string | Buffer): Promise<void> {
    return this.enqueue(() => appendFile(this.path, data));
  }

  /** Unique per writer even for several rotations within one second. */
  private rotatedPath(): string {
    this.lastRotationSecond = Math.max(Math.floor(Date.now() / 1000), this.lastRotationSecond + 1);
    const iso = new Date(this.lastRotationSecond * 1000).toISOString();
    const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
    return `${this.path}.${stamp}`;
  }

  /** Operations run one at a time, in call order, so un-awaited writes from a demo never interleave. */
  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
