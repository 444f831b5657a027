// One pods/log request, read as batches of records: timestamps on, the container named, lines
// split on newlines (a partial last line is kept when the read ends), each line's cursor from the
// reader's position so replayed lines are skipped. HTTP failures end the read with their status;
// network failures throw.
import type { KubeTransport } from '@tailgate/kube';
import { LineSplitter, type LogRecord, type TargetRef, toEpochNanos } from '@tailgate/plugin-sdk';

import type { LogPosition } from './log-position';

export interface PodLogQuery {
  readonly follow?: boolean;
  readonly sinceTime?: string;
  readonly tailLines?: number;
  readonly previous?: boolean;
  readonly limitBytes?: number;
}

/** How a read ended: the body ended (`eof`), or the apiserver refused it. */
export type ReadEnd =
  | { readonly kind: 'eof'; readonly status: number }
  | { readonly kind: 'refused'; readonly status: number; readonly reason?: string; readonly message?: string };

const NEWLINE = Buffer.from('\n');

export function podLogPath(target: TargetRef, query: PodLogQuery): string {
  const params = new URLSearchParams({ container: target.container, timestamps: 'true' });
  if (query.follow) params.set('follow', 'true');
  if (query.sinceTime !== undefined) params.set('sinceTime', query.sinceTime);
  if (query.tailLines !== undefined) params.set('tailLines', String(query.tailLines));
  if (query.previous) params.set('previous', 'true');
  if (query.limitBytes !== undefined) params.set('limitBytes', String(query.limitBytes));
  const ns = encodeURIComponent(target.namespace);
  return `/api/v1/namespaces/${ns}/pods/${encodeURIComponent(target.pod)}/log?${params.toString()}`;
}

export interface ReadOptions {
  readonly maxLineBytes: number;
  /** Lines stamped before this instant (20-digit epoch ns) are left out. */
  readonly notBefore?: string;
}

/** Reads one request to its end, handing over each chunk's records as one batch. */
export async function readPodLog(
  transport: Pick<KubeTransport, 'stream'>,
  target: TargetRef,
  query: PodLogQuery,
  position: LogPosition,
  signal: AbortSignal,
  options: ReadOptions,
  onRecords: (records: LogRecord[]) => void,
): Promise<ReadEnd> {
  const pages = podLogPages(transport, target, query, position, signal, options);
  for (;;) {
    const next = await pages.next();
    if (next.done === true) return next.value;
    onRecords(next.value);
  }
}

/**
 * One request as pages of records (a chunk's worth each), read as the caller takes them: the
 * body is not read ahead, so a caller that waits holds the response, not its records. Stopping
 * early (`return()`) closes the response. Returns how the read ended.
 */
export async function* podLogPages(
  transport: Pick<KubeTransport, 'stream'>,
  target: TargetRef,
  query: PodLogQuery,
  position: LogPosition,
  signal: AbortSignal,
  options: ReadOptions,
): AsyncGenerator<LogRecord[], ReadEnd> {
  const response = await transport.stream(podLogPath(target, query), signal);
  if (!response.ok) {
    const { status, reason, message } = response;
    return { kind: 'refused', status, ...(reason === undefined ? {} : { reason }), ...(message === undefined ? {} : { message }) };
  }
  const parser = new TimestampedLines(target, position, options);
  position.beginRead();
  try {
    for await (const chunk of response.body) {
      const records = parser.push(chunk as Buffer);
      if (records.length > 0) yield records;
    }
  } finally {
    response.body.destroy();
  }
  if (signal.aborted) return { kind: 'eof', status: response.status };
  const rest = parser.end();
  if (rest.length > 0) yield rest;
  return { kind: 'eof', status: response.status };
}

/** `<RFC 3339 nano> <line>` lines (the kubelet's `timestamps=true` form) → records. */
export class TimestampedLines {
  private readonly splitter: LineSplitter;
  private lastTs: { ts: string; nanos: string } | undefined;

  constructor(
    private readonly target: TargetRef,
    private readonly position: LogPosition,
    private readonly options: ReadOptions,
  ) {
    this.splitter = new LineSplitter(options.maxLineBytes);
  }

  push(chunk: Buffer): LogRecord[] {
    const records: LogRecord[] = [];
    this.splitter.push(chunk, (line) => this.add(line, records));
    return records;
  }

  /** The read is over: an unfinished last line (a byte limit, a partial write) still counts. */
  end(): LogRecord[] {
    return this.splitter.hasPartialLine ? this.push(NEWLINE) : [];
  }

  private add(line: Buffer, records: LogRecord[]): void {
    const space = line.indexOf(0x20);
    const stamp = space > 0 ? toEpochNanos(line.toString('latin1', 0, space)) : undefined;
    let ts: string;
    let nanos: string;
    let text: string;
    if (stamp !== undefined) {
      ts = line.toString('latin1', 0, space);
      nanos = stamp;
      text = line.toString('utf8', space + 1);
      this.lastTs = { ts, nanos };
    } else if (this.lastTs !== undefined) {
      // No stamp (a line cut by limitBytes before its stamp ended): it belongs to the last instant.
      ({ ts, nanos } = this.lastTs);
      text = line.toString('utf8');
    } else {
      return;
    }
    if (this.options.notBefore !== undefined && nanos < this.options.notBefore) return;
    const cursor = this.position.next(nanos);
    if (cursor === undefined) return;
    records.push({ ts, target: this.target, stream: 'stdout', line: text, cursor });
  }
}
