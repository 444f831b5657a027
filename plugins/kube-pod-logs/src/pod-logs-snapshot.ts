// Reads the selected containers' logs once, without following: a listener's backlog (tail,
// since, resume), or a whole `previous` stream. One list of the selected pods, then one pods/log
// request per container, a few at a time; records come back oldest first across containers.
import type { KubeTransport } from '@tailgate/kube';
import { type BacklogOptions, dateToEpochNanos, type LogRecord, type TargetRef, targetKey } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { ByteBudget } from './byte-budget';
import { LogPosition } from './log-position';
import { PodFilter, targetOf } from './pod-filter';
import { type PodObject, PodObjectSchema } from './pod-object';
import { type PodLogQuery, readPodLog } from './pod-log-reader';
import type { PodLogsSelector } from './pod-logs-selector';

export interface SnapshotOptions {
  readonly concurrency: number;
  readonly maxLineBytes: number;
}

export interface Snapshot {
  readonly targets: TargetRef[];
  readonly records: LogRecord[];
}

const PodListSchema = z.object({ items: z.array(PodObjectSchema) });

export async function readSnapshot(
  selector: PodLogsSelector,
  backlog: BacklogOptions,
  transport: Pick<KubeTransport, 'json' | 'stream'>,
  options: SnapshotOptions,
  signal: AbortSignal,
): Promise<Snapshot> {
  const filter = await PodFilter.create(selector, transport, signal);
  const pods: PodObject[] = [];
  for (const query of filter.queries()) {
    const params = new URLSearchParams(query.params).toString();
    const list = await transport.json('GET', `${query.path}${params === '' ? '' : `?${params}`}`, PodListSchema, undefined, signal);
    for (const pod of list.items) if (pod.spec.nodeName !== undefined && (await filter.selects(pod))) pods.push(pod);
  }
  const targets = pods.flatMap((pod) => filter.containers(pod).map((c) => targetOf(pod, c.name)));
  const perTarget = await mapLimited(targets, options.concurrency, (target) =>
    readTarget(target, selector, backlog, transport, options, signal),
  );
  return { targets, records: mergeByTime(perTarget) };
}

async function readTarget(
  target: TargetRef,
  selector: PodLogsSelector,
  backlog: BacklogOptions,
  transport: Pick<KubeTransport, 'stream'>,
  options: SnapshotOptions,
  signal: AbortSignal,
): Promise<LogRecord[]> {
  const after = backlog.after === undefined ? undefined : (backlog.after.byTarget.get(targetKey(target)) ?? backlog.after.otherwise);
  if (backlog.after !== undefined && after === undefined) return [];
  const position = after === undefined ? LogPosition.start() : LogPosition.after(after);
  const since = backlog.since === undefined ? undefined : dateToEpochNanos(backlog.since);
  const query: PodLogQuery = {
    ...(backlog.tail === undefined ? {} : { tailLines: backlog.tail }),
    ...(since === undefined ? {} : { sinceTime: LogPosition.from(since).sinceTime() }),
    ...(after === undefined ? {} : { sinceTime: position.sinceTime() }),
    ...(selector.previous ? { previous: true } : {}),
  };
  const records: LogRecord[] = [];
  const read = { maxLineBytes: options.maxLineBytes, ...(since === undefined ? {} : { notBefore: since }) };
  const budget = new ByteBudget(selector.limitBytes);
  // A container with nothing to read (waiting, no previous instance, pod gone meanwhile) has no backlog.
  await readPodLog(transport, target, query, position, signal, read, (batch) => {
    records.push(...budget.take(batch));
    return budget.exhausted ? 'stop' : undefined;
  });
  return records;
}

/** Oldest first across containers; each container's own order kept (its cursors are ordered). */
function mergeByTime(perTarget: readonly LogRecord[][]): LogRecord[] {
  const all = perTarget.flat();
  return all
    .map((record, index) => ({ record, index, at: record.cursor.slice(0, 20) }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.index - b.index))
    .map(({ record }) => record);
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
