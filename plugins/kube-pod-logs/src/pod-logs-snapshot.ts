// Reads the selected containers' logs once, without following: a listener's backlog (tail,
// since, resume), or a whole `previous` stream. One list of the selected pods, then one pods/log
// request per container (a few opened at a time), merged oldest first across containers and read
// only as fast as the pages are taken: a backlog holds about a chunk per container.
import type { KubeTransport } from '@tailgate/kube';
import {
  type Backlog,
  type BacklogOptions,
  dateToEpochNanos,
  type LogRecord,
  mergeOldestFirst,
  type TargetRef,
  targetKey,
} from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { ByteBudget } from './byte-budget';
import { LogPosition } from './log-position';
import { PodFilter, targetOf } from './pod-filter';
import { type PodObject, PodObjectSchema } from './pod-object';
import { type PodLogQuery, podLogPages } from './pod-log-reader';
import type { PodLogsSelector } from './pod-logs-selector';
import { RequestSlots } from './request-slots';

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
    for await (const page of podLogPages(transport, target, query, position, signal, read)) {
      release();
      const records = budget.take(page);
      if (records.length > 0) yield records;
      if (budget.exhausted) return;
    }
  } finally {
    release();
  }
}
