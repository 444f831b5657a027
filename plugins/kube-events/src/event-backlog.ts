// A listener's backlog: the Events of the selected namespaces as they are now (one record per
// Event, at its last observation — earlier observations of a series are not kept by the apiserver),
// narrowed by tail, since or a resume point, oldest first. The apiserver lists Events by name, not
// time, so the list is read whole before it is sorted: it holds what the namespaces' Events hold
// (they expire after `--event-ttl`, an hour by default), as records.
import type { KubeTransport } from '@tailgate/kube';
import {
  type Backlog,
  type BacklogOptions,
  dateToEpochNanos,
  type LogRecord,
  pagesOf,
  targetKey,
  type TargetRef,
} from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { eventRecord } from './event-line';
import { EventObjectSchema, type EventObservation, observe } from './event-object';
import { type EventSelector, selects } from './event-selector';
import { byCursor, eventListParams, eventsPath } from './event-stream';

const EventListSchema = z.object({
  metadata: z.object({ continue: z.string().optional() }),
  items: z.array(EventObjectSchema),
});

export async function readEventBacklog(
  selector: EventSelector,
  options: BacklogOptions,
  transport: Pick<KubeTransport, 'json'>,
  signal: AbortSignal,
): Promise<Backlog> {
  const { tail, since, after } = options;
  if ((tail === undefined && since === undefined && after === undefined) || tail === 0) return { targets: [], pages: pagesOf([]) };
  const observations: EventObservation[] = [];
  for (const namespace of selector.namespaces) {
    for await (const observation of listObservations(selector, namespace, transport, signal)) observations.push(observation);
  }
  const records = narrow(observations.sort(byCursor), options).map((observation) => eventRecord(observation, selector.format));
  return { targets: targetsOf(records), pages: pagesOf(records) };
}

/** since, then the resume point, then the newest `tail` per target; input and output sorted by cursor. */
export function narrow(sorted: readonly EventObservation[], options: BacklogOptions): EventObservation[] {
  const sinceNanos = options.since === undefined ? undefined : dateToEpochNanos(options.since);
  const { after } = options;
  const kept = sorted.filter((observation) => {
    if (sinceNanos !== undefined && observation.lastSeen < sinceNanos) return false;
    if (after === undefined) return true;
    const floor = after.byTarget.get(targetKey(observation.target)) ?? after.otherwise;
    return floor !== undefined && observation.cursor > floor;
  });
  if (options.tail === undefined) return kept;
  const left = new Map<string, number>();
  const newestFirst: EventObservation[] = [];
  for (let i = kept.length - 1; i >= 0; i--) {
    const observation = kept[i] as EventObservation;
    const key = targetKey(observation.target);
    const count = left.get(key) ?? 0;
    if (count >= options.tail) continue;
    left.set(key, count + 1);
    newestFirst.push(observation);
  }
  return newestFirst.reverse();
}

async function* listObservations(
  selector: EventSelector,
  namespace: string,
  transport: Pick<KubeTransport, 'json'>,
  signal: AbortSignal,
): AsyncGenerator<EventObservation> {
  let next: string | undefined;
  do {
    const query = new URLSearchParams({ ...eventListParams(selector), limit: '500', ...(next ? { continue: next } : {}) });
    const page = await transport.json('GET', `${eventsPath(namespace)}?${query.toString()}`, EventListSchema, undefined, signal);
    for (const item of page.items) {
      const observation = observe(item);
      if (observation !== undefined && selects(selector, observation)) yield observation;
    }
    next = page.metadata.continue || undefined;
  } while (next);
}

function targetsOf(records: readonly LogRecord[]): TargetRef[] {
  const targets = new Map<string, TargetRef>();
  for (const record of records) targets.set(targetKey(record.target), record.target);
  return [...targets.values()];
}
