// Reads the selected containers' logs once, without following: a listener's backlog (tail,
// since, resume), or a whole `previous` stream. One list of the selected pods, then one pods/log
// request per container (three for a tail, see tailPages; a few opened at a time), merged oldest
// first across containers and read only as fast as the pages are taken: a backlog holds about a
// chunk per container.
import { type KubeTransport, RequestSlots } from '@tailgate/kube';
import {
  type Backlog,
  type BacklogOptions,
  dateToEpochNanos,
  type LogRecord,
  mergeOldestFirst,
  type TargetRef,
  targetKey,
  toEpochNanos,
} from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { ByteBudget } from './byte-budget';
import { LogPosition } from './log-position';
import { PodFilter, targetOf } from './pod-filter';
import { type PodObject, PodObjectSchema } from './pod-object';
import { type PodLogQuery, podLogPages, type ReadOptions } from './pod-log-reader';
import type { PodLogsSelector } from './pod-logs-selector';

export interface SnapshotOptions {
  /** pods/log requests being opened at once; all of them stay open while the backlog is read. */
  readonly concurrency: number;
  readonly maxLineBytes: number;
  /** Most records in one page. */
  readonly maxBatchRecords: number;
}

const PodListSchema = z.object({ items: z.array(PodObjectSchema) });

/** The selected containers now, and their records merged oldest first, read as the pages are taken. */
export async function readSnapshot(
  selector: PodLogsSelector,
  backlog: BacklogOptions,
  transport: Pick<KubeTransport, 'json' | 'stream'>,
  options: SnapshotOptions,
  signal: AbortSignal,
): Promise<Backlog> {
  const filter = await PodFilter.create(selector, transport, signal);
  const pods: PodObject[] = [];
  for (const query of filter.queries()) {
    const params = new URLSearchParams(query.params).toString();
    const list = await transport.json('GET', `${query.path}${params === '' ? '' : `?${params}`}`, PodListSchema, undefined, signal);
    for (const pod of list.items) if (pod.spec.nodeName !== undefined && (await filter.selects(pod))) pods.push(pod);
  }
  const targets = pods.flatMap((pod) => filter.containers(pod).map((c) => targetOf(pod, c.name)));
  const slots = new RequestSlots(options.concurrency);
  const reads = targets.map((target) => targetPages(target, selector, backlog, transport, options, signal, slots));
  return { targets, pages: mergeOldestFirst(reads, options.maxBatchRecords) };
}

async function* targetPages(
  target: TargetRef,
  selector: PodLogsSelector,
  backlog: BacklogOptions,
  transport: Pick<KubeTransport, 'stream'>,
  options: SnapshotOptions,
  signal: AbortSignal,
  slots: RequestSlots,
): AsyncGenerator<readonly LogRecord[]> {
  const after = backlog.after === undefined ? undefined : (backlog.after.byTarget.get(targetKey(target)) ?? backlog.after.otherwise);
  if (backlog.after !== undefined && after === undefined) return;
  const position = after === undefined ? LogPosition.start() : LogPosition.after(after);
  const since = backlog.since === undefined ? undefined : dateToEpochNanos(backlog.since);
  const query: PodLogQuery = {
    ...(backlog.tail === undefined ? {} : { tailLines: backlog.tail }),
    ...(since === undefined ? {} : { sinceTime: LogPosition.from(since).sinceTime() }),
    ...(after === undefined ? {} : { sinceTime: position.sinceTime() }),
    ...(selector.previous ? { previous: true } : {}),
  };
  const read = { maxLineBytes: options.maxLineBytes, ...(since === undefined ? {} : { notBefore: since }) };
  const budget = new ByteBudget(selector.limitBytes);
  // The slot is held until the response's first records (or its end): opening is what costs the apiserver.
  const release = await slots.acquire();
  try {
    // A container with nothing to read (waiting, no previous instance, pod gone meanwhile) has no backlog.
    const pages =
      backlog.tail === undefined || after !== undefined
        ? podLogPages(transport, target, query, position, signal, read)
        : tailPages(transport, target, query, backlog.tail, signal, read);
    for await (const page of pages) {
      release();
      const records = budget.take(page);
      if (records.length > 0) yield records;
      if (budget.exhausted) return;
    }
  } finally {
    release();
  }
}

/** Bytes of a read that hold its first line's stamp (RFC 3339 with nanoseconds, fixed width) and more. */
const STAMP_BYTES = 64;

/**
 * The last `tail` records. A cursor counts its line within the lines stamped with the same instant,
 * from the first of them, as the live stream does; a tail can start inside such a group, and a read
 * can only start at a whole second. So: where the tail starts (its first stamp), how many records
 * there are from that second on, then that read again without the ones before the tail.
 */
async function* tailPages(
  transport: Pick<KubeTransport, 'stream'>,
  target: TargetRef,
  query: PodLogQuery,
  tail: number,
  signal: AbortSignal,
  read: ReadOptions,
): AsyncGenerator<LogRecord[]> {
  const first = await firstStamp(transport, target, { ...query, limitBytes: STAMP_BYTES }, signal, read.maxLineBytes);
  const sinceTime = first === undefined ? undefined : LogPosition.from(first).sinceTime();
  if (sinceTime === undefined) return;
  const whole: PodLogQuery = { sinceTime, ...(query.previous ? { previous: true } : {}) };
  let total = 0;
  for await (const page of podLogPages(transport, target, whole, LogPosition.start(), signal, read)) total += page.length;
  // Lines written since are left for the live stream.
  let skip = Math.max(0, total - tail);
  let left = Math.min(tail, total);
  for await (const page of podLogPages(transport, target, whole, LogPosition.start(), signal, read)) {
    const from = Math.min(skip, page.length);
    skip -= from;
    const kept = page.slice(from, from + left);
    left -= kept.length;
    if (kept.length > 0) yield kept;
    if (left === 0) return;
  }
}

/** Epoch nanoseconds of the first line a read gives, or undefined when it gives none. */
async function firstStamp(
  transport: Pick<KubeTransport, 'stream'>,
  target: TargetRef,
  query: PodLogQuery,
  signal: AbortSignal,
  maxLineBytes: number,
): Promise<string | undefined> {
  for await (const page of podLogPages(transport, target, query, LogPosition.start(), signal, { maxLineBytes })) {
    const ts = page[0]?.ts;
    if (ts !== undefined) return toEpochNanos(ts);
  }
  return undefined;
}
