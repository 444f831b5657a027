// With routing auto, a container on a node with no live agent is followed through the apiserver's
// pods/log (timestamps on), with the cursors the agent would give the same lines: both are the
// SDK's time cursors of the CRI timestamps, so a line has one cursor whichever reads it. A follow
// starts after a given cursor (the last line delivered of that target, when its agent went away:
// sinceTime is that cursor's whole second and the lines up to the cursor are skipped) or, for a
// target never delivered, at the end (tailLines=0), as new agent demand does. A read that ends
// (container restart, apiserver closing) is opened again after the last cursor; a pod that is gone
// (404) ends the follow. A refused read (403 when the role lacks pods/log, 5xx) or a network failure
// is logged once per kind of failure — its status or error code, never the apiserver's text — and
// read again after a pause that doubles up to MAX_PAUSE_MS. The fallback re-opens a follow that
// ended at its next rescan anyway, so giving up would only retry faster. The apiserver merges
// stdout and stderr, so every line is labelled stdout.
import { setTimeout as sleep } from 'node:timers/promises';

import type { KubeTransport } from '@tailgate/kube';
import {
  CursorClock,
  dateToEpochNanos,
  LineSplitter,
  type LogRecord,
  parseTimeCursor,
  type PluginLogger,
  type TargetRef,
  toEpochNanos,
} from '@tailgate/plugin-sdk';

/**
 * Wait before reading again after a read ended, in ms: doubled after each read that brought
 * nothing (a finished init container, a container not started yet), up to MAX_PAUSE_MS.
 */
const REOPEN_MS = 500;
const MAX_PAUSE_MS = 8_000;

export interface ApiserverFollowOptions {
  readonly maxLineBytes: number;
  /** Start after this cursor; at the end when undefined. */
  readonly after: string | undefined;
  readonly logger: PluginLogger;
}

/** pods/log's sinceTime for epoch nanoseconds: their whole second (the apiserver takes no finer). */
export function sinceTimeOf(epochNanos: string): string {
  return `${new Date(Number(epochNanos.slice(0, 11)) * 1000).toISOString().slice(0, 19)}Z`;
}

/** The follow request: from `from`'s whole second, or at the end (tailLines=0) without one. */
export function podLogFollowPath(target: TargetRef, from: { readonly epochNanos: string } | undefined): string {
  const params = new URLSearchParams({ container: target.container, timestamps: 'true', follow: 'true' });
  if (from === undefined) params.set('tailLines', '0');
  else params.set('sinceTime', sinceTimeOf(from.epochNanos));
  return `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/log?${params.toString()}`;
}

/** Cursors of re-read lines: those at or before the starting cursor are skipped, the rest continue its clock. */
export class ResumingCursors {
  private clock: CursorClock;
  private skip: { nanos: string; sequence: number; seen: number } | undefined;

  constructor(after: string | undefined) {
    const parsed = after === undefined ? undefined : parseTimeCursor(after);
    this.clock = parsed === undefined ? new CursorClock() : new CursorClock(parsed.epochNanos, parsed.sequence);
  }

  get last(): { readonly epochNanos: string; readonly sequence: number } | undefined {
    const last = this.clock.last;
    return last.epochNanos === '' ? undefined : last;
  }

  /** A new read starts from the last cursor's second: lines up to the last cursor will come again. */
  beginRead(): void {
    const last = this.last;
    this.skip = last === undefined ? undefined : { nanos: last.epochNanos, sequence: last.sequence, seen: 0 };
  }

  next(epochNanos: string): string | undefined {
    const skip = this.skip;
    if (skip !== undefined) {
      if (epochNanos < skip.nanos) return undefined;
      if (epochNanos === skip.nanos && skip.seen++ <= skip.sequence) return undefined;
      this.skip = undefined;
    }
    return this.clock.next(epochNanos);
  }
}

/** Follows one container until `signal` aborts or the pod is gone; hands each chunk's records over. */
export async function followThroughApiserver(
  transport: Pick<KubeTransport, 'stream'>,
  target: TargetRef,
  options: ApiserverFollowOptions,
  signal: AbortSignal,
  onRecords: (records: LogRecord[]) => void,
): Promise<void> {
  const cursors = new ResumingCursors(options.after);
  // Started at the end: a later read, before any line came, starts at this instant instead.
  const startedAt = options.after === undefined ? dateToEpochNanos(new Date()) : undefined;
  let first = true;
  let pause = REOPEN_MS;
  /** The failure last logged (a status or an error code), so a failing follow logs once per kind. */
  let failing: string | undefined;
  while (!signal.aborted) {
    let delivered = false;
    let failure: string | undefined;
    try {
      const from = cursors.last ?? (first || startedAt === undefined ? undefined : { epochNanos: startedAt });
      first = false;
      const response = await transport.stream(podLogFollowPath(target, from), signal);
      if (!response.ok && response.status === 404) return;
      if (!response.ok) failure = String(response.status);
      else {
        cursors.beginRead();
        const splitter = new LineSplitter(options.maxLineBytes);
        try {
          for await (const chunk of response.body) {
            const records: LogRecord[] = [];
            splitter.push(chunk as Buffer, (line) => {
              const record = timestampedRecord(line, target, cursors, startedAt);
              if (record !== undefined) records.push(record);
            });
            if (records.length > 0) {
              delivered = true;
              onRecords(records);
            }
          }
        } finally {
          response.body.destroy();
        }
      }
    } catch (error) {
      // A network failure: read again after the pause, from the last cursor.
      if (!signal.aborted) failure = errorCodeOf(error);
    }
    if (failure !== undefined && failure !== failing) {
      const { namespace, pod, container } = target;
      options.logger.warn({ target: `${namespace}/${pod}/${container}`, status: failure }, 'routing auto: pods/log failed; retrying');
    }
    failing = failure ?? (delivered ? undefined : failing);
    pause = delivered ? REOPEN_MS : Math.min(pause * 2, MAX_PAUSE_MS);
    await sleep(pause, undefined, { signal }).catch(() => undefined);
  }
}

/** What of a thrown error may be logged: its code (ECONNRESET) or class name, never its message. */
function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}

/**
 * The record of one `<RFC 3339 nano> <line>` line (the kubelet's `timestamps=true` form), with its
 * cursor; undefined for a line before `notBefore`, one a re-read repeats, or one without a stamp.
 */
export function timestampedRecord(
  line: Buffer,
  target: TargetRef,
  cursors: ResumingCursors,
  notBefore: string | undefined,
): LogRecord | undefined {
  const space = line.indexOf(0x20);
  if (space <= 0) return undefined;
  const ts = line.toString('latin1', 0, space);
  const nanos = toEpochNanos(ts);
  if (nanos === undefined || (notBefore !== undefined && nanos < notBefore)) return undefined;
  const cursor = cursors.next(nanos);
  if (cursor === undefined) return undefined;
  return { ts, target, stream: 'stdout', line: line.toString('utf8', space + 1), cursor };
}
