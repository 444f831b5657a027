// The shared live stream of one query. Node Log Query has no follow and ends every request after
// 30 s, so following means asking again every `pollIntervalMs`:
//  - services (journal): the first read starts now (or at the selector's sinceTime / tailLines);
//    each next one asks from the second of the last line delivered and keeps only lines with a
//    greater cursor (journal-follower explains why that is exact);
//  - a file, or services whose logs are files: the whole file is read again and lines past the
//    previous end are new (file-snapshot-follower); the file as it was at the start is history.
// A bounded query (untilTime, or an earlier boot) is read once and the stream ends.
import { setTimeout as sleep } from 'node:timers/promises';

import { InputError, type LogRecord, nodeLogTarget, type SourceEvent, type TargetRef, toEpochNanos } from '@tailgate/plugin-sdk';

import { FileSnapshotFollower, lineCursor } from './file-snapshot-follower';
import { type CursoredLine, JournalFollower } from './journal-follower';
import { MESSAGES } from './node-log-errors';
import { type NodeLogReader, secondOf } from './node-log-reader';
import type { NodeLogRequest } from './node-log-request';
import { hasOptions, isBounded, isFileQuery, type NodeLogSelector, queryName } from './node-log-selector';

export interface StreamOptions {
  readonly pollIntervalMs: number;
  readonly maxBatchRecords: number;
}

export function targetOf(selector: NodeLogSelector): TargetRef {
  return nodeLogTarget(selector.node, queryName(selector));
}

/**
 * Journal lines as records. The record's line is the message (like `journalctl -o cat`); a query
 * of several services keeps the identifier in front (`containerd[512]: …`), since their lines share
 * one target.
 */
export function journalRecords(selector: NodeLogSelector, lines: readonly CursoredLine[]): LogRecord[] {
  const target = targetOf(selector);
  const identified = selector.query.length > 1;
  return lines.map((line) => ({
    ts: line.ts,
    target,
    stream: 'stdout',
    line: identified && line.identifier !== '' ? `${line.identifier}: ${line.message}` : line.message,
    cursor: line.cursor,
  }));
}

export function fileRecord(target: TargetRef, ts: string, line: { readonly index: number; readonly text: string }): LogRecord {
  return { ts, target, stream: 'stdout', line: line.text, cursor: lineCursor(line.index) };
}

/**
 * journalctl reads sinceTime and untilTime in whole seconds; the selector's times are finer. The
 * lines of a read that lie inside the selector's window.
 */
export function withinWindow<T extends { readonly epochNanos: string }>(lines: readonly T[], selector: NodeLogSelector): T[] {
  const from = selector.sinceTime === undefined ? undefined : toEpochNanos(selector.sinceTime);
  const to = selector.untilTime === undefined ? undefined : toEpochNanos(selector.untilTime);
  return lines.filter((line) => (from === undefined || line.epochNanos >= from) && (to === undefined || line.epochNanos <= to));
}

/** The selector's options that every read of its services carries. */
export function baseRequest(selector: NodeLogSelector): NodeLogRequest {
  const { query, pattern, boot, untilTime } = selector;
  return { query, pattern, boot, untilTime };
}

export async function* nodeLogEvents(
  reader: NodeLogReader,
  selector: NodeLogSelector,
  options: StreamOptions,
  signal: AbortSignal,
): AsyncGenerator<SourceEvent> {
  const target = targetOf(selector);
  yield { type: 'target', op: 'added', target };
  if (isFileQuery(selector)) {
    yield* followFile(reader, target, options, signal);
    return;
  }
  const startedMs = Date.now();
  const { sinceTime, tailLines } = selector;
  // A followed query without sinceTime or tailLines starts now: from this second, in journalctl's terms.
  const startsNow = !isBounded(selector) && sinceTime === undefined && tailLines === undefined;
  const first = await reader.journal(
    { ...baseRequest(selector), sinceTime: startsNow ? secondOf(startedMs) : sinceTime, tailLines },
    signal,
  );
  if (first.kind === 'files') {
    if (hasOptions(selector)) throw new InputError(MESSAGES.resolvedToFiles);
    yield* followFile(reader, target, options, signal);
    return;
  }
  const follower = new JournalFollower(Math.floor((sinceTime === undefined ? startedMs : Date.parse(sinceTime)) / 1000));
  yield* batches(journalRecords(selector, follower.take(withinWindow(first.lines, selector))), options.maxBatchRecords);
  if (isBounded(selector)) {
    yield { type: 'target', op: 'removed', target, reason: 'completed' };
    return;
  }
  while (await pause(options.pollIntervalMs, signal)) {
    const read = await reader.journal({ ...baseRequest(selector), sinceTime: follower.sinceTime() }, signal);
    if (read.kind !== 'journal') continue;
    yield* batches(journalRecords(selector, follower.take(withinWindow(read.lines, selector))), options.maxBatchRecords);
  }
}

async function* followFile(
  reader: NodeLogReader,
  target: TargetRef,
  options: StreamOptions,
  signal: AbortSignal,
): AsyncGenerator<SourceEvent> {
  const follower = new FileSnapshotFollower(await reader.snapshot(signal));
  while (await pause(options.pollIntervalMs, signal)) {
    const lines = await reader.snapshot(signal);
    const readAt = new Date().toISOString();
    yield* batches(
      follower.take(lines).map((line) => fileRecord(target, readAt, line)),
      options.maxBatchRecords,
    );
  }
}

function* batches(records: readonly LogRecord[], size: number): Generator<SourceEvent> {
  for (let i = 0; i < records.length; i += size) yield { type: 'records', records: records.slice(i, i + size) };
}

/** Waits; false once aborted. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return sleep(ms, undefined, { signal }).then(
    () => !signal.aborted,
    () => false,
  );
}
