// One live stream of the events source: lists and watches the Events of each selected namespace,
// announces each object that has Events as a target, sends every new observation (a new Event, or
// one seen again) as a record, and removes a target once its last Event expired (`--event-ttl`,
// an hour by default). Events listed when the stream starts are the backlog's, not the stream's;
// after a re-list (a watch that fell too far behind) the observations it missed go out then.
import { type KubeTransport, runListWatch } from '@tailgate/kube';
import { type LogRecord, type PluginLogger, type SourceEvent, StreamEventQueue, type TargetRef, targetKey } from '@tailgate/plugin-sdk';

import { eventRecord } from './event-line';
import { type EventObject, EventObjectSchema, type EventObservation, observe } from './event-object';
import { eventFieldSelector, type EventSelector, selects } from './event-selector';
import type { KubeEventsConfig } from './kube-events-config';
import { TargetCursors } from './target-cursors';

interface KnownTarget {
  readonly ref: TargetRef;
  readonly cursors: TargetCursors;
  /** Uids of its Events that exist now. */
  readonly events: Set<string>;
}

interface KnownEvent {
  readonly key: string;
  /** Its last observation's own cursor: a watch event that leaves it unchanged is no new observation. */
  readonly cursor: string;
}

export function eventsPath(namespace: string): string {
  return `/apis/events.k8s.io/v1/namespaces/${namespace}/events`;
}

export function eventListParams(selector: EventSelector): Record<string, string> {
  const fieldSelector = eventFieldSelector(selector);
  return fieldSelector === undefined ? {} : { fieldSelector };
}

export async function* openEventStream(
  selector: EventSelector,
  transport: Pick<KubeTransport, 'json' | 'watch'>,
  config: KubeEventsConfig,
  signal: AbortSignal,
  logger: PluginLogger,
): AsyncGenerator<SourceEvent> {
  const queue = new StreamEventQueue();
  const stream = new EventStream(selector, queue, config.maxBatchRecords);
  const watches = selector.namespaces.map((namespace) =>
    runListWatch(transport, stream.sinkFor(namespace), signal, {
      path: eventsPath(namespace),
      params: eventListParams(selector),
      schema: EventObjectSchema,
      what: `events in ${namespace}`,
      watchTimeoutSeconds: config.watchTimeoutSeconds,
      retryDelayMs: config.retryDelayMs,
      logger,
    }),
  );
  try {
    yield* queue.drain(signal);
  } finally {
    await Promise.allSettled(watches);
  }
}

class EventStream {
  private readonly targets = new Map<string, KnownTarget>();
  private readonly events = new Map<string, KnownEvent>();
  private readonly listed = new Set<string>();

  constructor(
    private readonly selector: EventSelector,
    private readonly queue: StreamEventQueue,
    private readonly maxBatchRecords: number,
  ) {}

  sinkFor(namespace: string) {
    return {
      replace: (items: readonly EventObject[]) => this.replace(namespace, items),
      upsert: (item: EventObject) => this.send(this.observed([item])),
      remove: (item: EventObject) => this.expired(item.metadata.uid),
    };
  }

  /** After every list: the first one only learns what exists; a re-list sends what the watch missed. */
  private replace(namespace: string, items: readonly EventObject[]): void {
    const present = new Set(items.map((item) => item.metadata.uid));
    for (const [uid, known] of this.events) {
      if (this.targets.get(known.key)?.ref.namespace === namespace && !present.has(uid)) this.expired(uid);
    }
    const observations = this.observed(items);
    if (this.listed.has(namespace)) {
      this.send(observations.sort(byCursor));
      return;
    }
    this.listed.add(namespace);
    for (const observation of observations.sort(byCursor)) {
      this.targetOf(observation).cursors.next(observation.cursor);
      this.remember(observation);
    }
  }

  /** The observations among `items` that the selector asks for and that were not sent yet. */
  private observed(items: readonly EventObject[]): EventObservation[] {
    const fresh: EventObservation[] = [];
    for (const item of items) {
      const observation = observe(item);
      if (observation === undefined || !selects(this.selector, observation)) continue;
      if (this.events.get(observation.uid)?.cursor === observation.cursor) continue;
      fresh.push(observation);
    }
    return fresh;
  }

  private send(observations: readonly EventObservation[]): void {
    let batch: LogRecord[] = [];
    for (const observation of observations) {
      const target = this.targetOf(observation);
      const record = eventRecord(observation, this.selector.format, target.cursors.next(observation.cursor));
      this.remember(observation);
      batch.push(record);
      if (batch.length === this.maxBatchRecords) {
        this.queue.push({ type: 'records', records: batch });
        batch = [];
      }
    }
    if (batch.length > 0) this.queue.push({ type: 'records', records: batch });
  }

  private remember(observation: EventObservation): void {
    const key = targetKey(observation.target);
    this.events.set(observation.uid, { key, cursor: observation.cursor });
    this.targets.get(key)?.events.add(observation.uid);
  }

  /** The observation's target, announced (before any record of it) when it is new. */
  private targetOf(observation: EventObservation): KnownTarget {
    const key = targetKey(observation.target);
    const known = this.targets.get(key);
    if (known !== undefined) return known;
    const target: KnownTarget = { ref: observation.target, cursors: new TargetCursors(), events: new Set() };
    this.targets.set(key, target);
    this.queue.push({ type: 'target', op: 'added', target: observation.target });
    return target;
  }

  /** An Event is gone (expired or deleted); its target goes with its last Event. */
  private expired(uid: string): void {
    const known = this.events.get(uid);
    if (known === undefined) return;
    this.events.delete(uid);
    const target = this.targets.get(known.key);
    if (target === undefined) return;
    target.events.delete(uid);
    if (target.events.size > 0) return;
    this.targets.delete(known.key);
    // Expired Events say nothing of their object: no reason.
    this.queue.push({ type: 'target', op: 'removed', target: target.ref });
  }
}

export function byCursor(a: { readonly cursor: string }, b: { readonly cursor: string }): number {
  return a.cursor < b.cursor ? -1 : a.cursor > b.cursor ? 1 : 0;
}
