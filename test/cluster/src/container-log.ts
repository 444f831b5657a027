// What a kubelet stand-in's containers have written, and how a log request reads it back.
//
// Reading follows the kubelet's CRI log reader (k8s.io/cri-client pkg/logs ReadLogs + logWriter):
// tailLines picks the last N CRI lines before anything else; lines older than sinceTime are then
// skipped; timestamps prefix each new line with RFC3339Nano (fixed width); limitBytes cuts the
// output, possibly mid-line, and ends it; a followed read ends once the container stops running.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';

export type LogStreamName = 'stdout' | 'stderr';

/** One CRI log line. `partial` lines (tag P) have no trailing newline. */
export interface LogEntry {
  readonly timeNs: bigint;
  readonly stream: LogStreamName;
  readonly content: string;
  readonly partial: boolean;
}

export interface WriteOptions {
  /** Default: stdout. */
  readonly stream?: LogStreamName;
  /** When the runtime saw the line. A Date, or an RFC3339 string with up to 9 fractional digits. Default: now. */
  readonly ts?: Date | string;
  /** Write a CRI partial line (no newline; the next line continues it). Default: false. */
  readonly partial?: boolean;
}

export interface ReadOptions {
  readonly follow: boolean;
  readonly tailLines?: number;
  readonly sinceNs?: bigint;
  readonly timestamps: boolean;
  readonly limitBytes?: number;
  /** Which streams to return (the PodLogsQuerySplitStreams `stream` parameter). Default: both. */
  readonly streams: ReadonlySet<LogStreamName>;
}

export interface LogSink {
  /** Raw bytes: limitBytes may cut a line inside a UTF-8 sequence, exactly as the kubelet does. */
  write(chunk: Buffer): void;
  end(): void;
}

/** One run of a container (a restart starts a new instance). */
export class ContainerInstance {
  readonly id = `tailgate://${randomBytes(16).toString('hex')}`;
  readonly entries: LogEntry[] = [];
  readonly startedAt = new Date();
  private readonly events = new EventEmitter();
  private exit: { code: number; at: Date } | undefined;

  get running(): boolean {
    return this.exit === undefined;
  }

  get exitCode(): number | undefined {
    return this.exit?.code;
  }

  get finishedAt(): Date | undefined {
    return this.exit?.at;
  }

  append(line: string, opts: WriteOptions = {}): LogEntry {
    if (!this.running) throw new Error(`container instance ${this.id} has terminated; restart() it first`);
    const entry: LogEntry = {
      timeNs: toNs(opts.ts ?? new Date()),
      stream: opts.stream ?? 'stdout',
      content: line,
      partial: opts.partial ?? false,
    };
    this.entries.push(entry);
    this.events.emit('entry', entry);
    return entry;
  }

  /** Followed reads waiting for new lines (a real kubelet holds a file watch for each). */
  get followers(): number {
    return this.events.listenerCount('entry');
  }

  terminate(code: number): void {
    if (!this.running) return;
    this.exit = { code, at: new Date() };
    this.events.emit('terminated');
  }

  /** Streams this instance's log into `sink`; resolves when the read is over. */
  read(opts: ReadOptions, sink: LogSink, signal: AbortSignal): Promise<void> {
    const writer = new CriLogWriter(opts, sink);
    const start = opts.tailLines === undefined ? 0 : Math.max(0, this.entries.length - opts.tailLines);
    // Without follow, tailLines also caps how many lines are read (cri-client's limitedMode).
    const end = opts.tailLines !== undefined && !opts.follow ? start + opts.tailLines : this.entries.length;
    for (const entry of this.entries.slice(start, end)) {
      if (!writer.write(entry)) return finish(sink);
    }
    if (!opts.follow || !this.running || signal.aborted) return finish(sink);
    return new Promise((resolve) => {
      const onEntry = (entry: LogEntry): void => {
        if (!writer.write(entry)) done();
      };
      const done = (): void => {
        this.events.off('entry', onEntry);
        this.events.off('terminated', done);
        signal.removeEventListener('abort', done);
        sink.end();
        resolve();
      };
      this.events.on('entry', onEntry);
      this.events.once('terminated', done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function finish(sink: LogSink): Promise<void> {
  sink.end();
  return Promise.resolve();
}

/** cri-client's logWriter: since filter, timestamp prefix, stream selection, byte limit. */
class CriLogWriter {
  private remaining: number;
  private atLineStart = true;

  constructor(
    private readonly opts: ReadOptions,
    private readonly sink: LogSink,
  ) {
    this.remaining = opts.limitBytes ?? Number.POSITIVE_INFINITY;
  }

  /** Returns false once the byte limit is reached (the read must end). */
  write(entry: LogEntry): boolean {
    const addPrefix = this.atLineStart;
    this.atLineStart = !entry.partial;
    if (this.opts.sinceNs !== undefined && entry.timeNs < this.opts.sinceNs) return true;
    if (!this.opts.streams.has(entry.stream)) return true;
    let line = entry.partial ? entry.content : `${entry.content}\n`;
    if (this.opts.timestamps && addPrefix) line = `${formatRfc3339NanoFixed(entry.timeNs)} ${line}`;
    let bytes = Buffer.from(line, 'utf8');
    if (bytes.length > this.remaining) bytes = bytes.subarray(0, this.remaining);
    this.sink.write(bytes);
    this.remaining -= bytes.length;
    return this.remaining > 0;
  }
}

const RFC3339_FRACTION = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** Nanoseconds since the epoch of a Date or an RFC3339 string (keeping all 9 fractional digits). */
export function toNs(ts: Date | string): bigint {
  if (ts instanceof Date) return BigInt(ts.getTime()) * 1_000_000n;
  const match = RFC3339_FRACTION.exec(ts);
  if (match === null) throw new Error(`not an RFC3339 timestamp: ${ts}`);
  const [, whole = '', fraction = '', zone = ''] = match;
  const seconds = Date.parse(`${whole}${zone}`);
  if (Number.isNaN(seconds)) throw new Error(`not an RFC3339 timestamp: ${ts}`);
  return BigInt(seconds) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
}

/** Go's "2006-01-02T15:04:05.000000000Z07:00" in UTC, as the kubelet prints timestamps. */
export function formatRfc3339NanoFixed(timeNs: bigint): string {
  const ms = timeNs / 1_000_000n;
  const whole = new Date(Number(ms)).toISOString().slice(0, 19);
  const nanos = ((timeNs % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  return `${whole}.${nanos.toString().padStart(9, '0')}Z`;
}

/** One container of a pod on the stand-in node; restart() keeps the old run as `previous`. */
export class ContainerLog {
  current = new ContainerInstance();
  previous: ContainerInstance | undefined;
  restartCount = 0;

  constructor(
    readonly namespace: string,
    readonly pod: string,
    readonly name: string,
  ) {}

  write(line: string, opts?: WriteOptions): this {
    this.current.append(line, opts);
    return this;
  }

  /** The container exits: followed streams end after the lines already written. */
  terminate(exitCode = 0): void {
    this.current.terminate(exitCode);
  }

  /** The container exits (if running) and a new run starts with an empty log. */
  restart(exitCode = 1): void {
    this.current.terminate(exitCode);
    this.previous = this.current;
    this.current = new ContainerInstance();
    this.restartCount += 1;
  }

  /** A v1 ContainerStatus describing this container, for pods/status. */
  status(image = 'registry.invalid/tailgate/test:1'): Record<string, unknown> {
    const c = this.current;
    const state = c.running
      ? { running: { startedAt: c.startedAt.toISOString() } }
      : {
          terminated: {
            exitCode: c.exitCode,
            finishedAt: c.finishedAt?.toISOString(),
            startedAt: c.startedAt.toISOString(),
            containerID: c.id,
            reason: c.exitCode === 0 ? 'Completed' : 'Error',
          },
        };
    const p = this.previous;
    const lastState =
      p === undefined
        ? {}
        : {
            terminated: {
              exitCode: p.exitCode,
              finishedAt: p.finishedAt?.toISOString(),
              startedAt: p.startedAt.toISOString(),
              containerID: p.id,
              reason: 'Error',
            },
          };
    return {
      name: this.name,
      image,
      imageID: `${image}@sha256:${'0'.repeat(64)}`,
      containerID: c.id,
      ready: c.running,
      started: c.running,
      restartCount: this.restartCount,
      state,
      lastState,
    };
  }
}
