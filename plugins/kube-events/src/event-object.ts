// An `events.k8s.io/v1` Event as the apiserver serves it (parsed once, where it enters), and
// what one observation of it is: its target (the `regarding` object), when it was last seen, how
// often, and its cursor. Events written through the core API show their count and times in the
// `deprecated*` fields; both kinds read the same here.
import { epochNanosToRfc3339, objectEventsTarget, podEventsTarget, type TargetRef, toEpochNanos } from '@tailgate/plugin-sdk';
import { z } from 'zod';

const Text = z.string().nullish();

const ObjectReferenceSchema = z.object({
  kind: Text,
  namespace: Text,
  name: Text,
  apiVersion: Text,
  fieldPath: Text,
});

export const EventObjectSchema = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string(),
    uid: z.string(),
    resourceVersion: z.string().optional(),
    creationTimestamp: Text,
  }),
  eventTime: Text,
  series: z.object({ count: z.number().int(), lastObservedTime: z.string() }).nullish(),
  reportingController: Text,
  reportingInstance: Text,
  action: Text,
  reason: Text,
  regarding: ObjectReferenceSchema.nullish(),
  note: Text,
  type: Text,
  deprecatedFirstTimestamp: Text,
  deprecatedLastTimestamp: Text,
  deprecatedCount: z.number().int().nullish(),
});
export type EventObject = z.output<typeof EventObjectSchema>;

/** The object an Event is about, as `regarding` names it. */
export interface RegardingObject {
  readonly kind: string;
  /** API group; '' for the core group (`v1`). */
  readonly group: string;
  readonly apiVersion?: string;
  readonly name: string;
  readonly namespace?: string;
  readonly fieldPath?: string;
}

/** One observation of an Event: what a record is made of. */
export interface EventObservation {
  readonly uid: string;
  readonly target: TargetRef;
  readonly object: RegardingObject;
  /** Last seen, as 20-digit epoch nanoseconds. */
  readonly lastSeen: string;
  /** First seen, as 20-digit epoch nanoseconds. */
  readonly firstSeen: string;
  /** How often it was seen (series count, or the core API's count); at least 1. */
  readonly count: number;
  readonly type: string;
  readonly reason: string;
  readonly note: string;
  readonly action?: string;
  readonly reportingController?: string;
  readonly reportingInstance?: string;
  readonly cursor: string;
}

const POD_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** client-go names Events `<object>.<creation instant in hex nanoseconds>`. */
const CREATION_HEX = /\.([0-9a-f]{1,16})$/;
const COUNT_WIDTH = 10;

/** Undefined when the Event carries no time at all (the apiserver always sets creationTimestamp). */
export function observe(event: EventObject): EventObservation | undefined {
  const last = latest([event.series?.lastObservedTime, event.deprecatedLastTimestamp, event.eventTime]);
  const first = earliest([event.eventTime, event.deprecatedFirstTimestamp]);
  const created = nanosOf(event.metadata.creationTimestamp);
  const lastSeen = last ?? first ?? created;
  if (lastSeen === undefined) return undefined;
  const count = Math.max(1, event.series?.count ?? event.deprecatedCount ?? 1);
  const object = regardingOf(event);
  return {
    uid: event.metadata.uid,
    target: targetOf(event.metadata.namespace, object),
    object,
    lastSeen,
    firstSeen: first ?? created ?? lastSeen,
    count,
    type: event.type ?? '',
    reason: event.reason ?? '',
    note: event.note ?? '',
    ...(event.action ? { action: event.action } : {}),
    ...(event.reportingController ? { reportingController: event.reportingController } : {}),
    ...(event.reportingInstance ? { reportingInstance: event.reportingInstance } : {}),
    cursor: eventCursor(lastSeen, event.metadata.name, event.metadata.uid, count),
  };
}

/**
 * `<last seen: 20-digit ns>-<creation: 16 hex digits>-<uid>-<count: 10 digits>`. Plain string order
 * is time order; within one instant (core API Events have whole seconds) the creation instant that
 * client-go writes into Event names keeps a burst (Pulling, Pulled, Created, Started) in order, then
 * the uid, then the count (one Event seen again within the same instant).
 */
export function eventCursor(lastSeen: string, name: string, uid: string, count: number): string {
  const created = CREATION_HEX.exec(name)?.[1]?.padStart(16, '0') ?? '0'.repeat(16);
  return `${lastSeen}-${created}-${uid}-${String(count).padStart(COUNT_WIDTH, '0')}`;
}

/** The record time of an observation: RFC 3339 with nanoseconds. */
export function observedAt(observation: EventObservation): string {
  return epochNanosToRfc3339(observation.lastSeen);
}

/**
 * The pod itself for an Event about a pod (judged as that pod); any other object (and a "pod" that
 * is not a core pod of this namespace, or whose name no pod can have) as `<kind>[.<group>]:<name>`.
 */
function targetOf(namespace: string, object: RegardingObject): TargetRef {
  const samePlace = object.namespace === undefined || object.namespace === namespace;
  if (object.kind === 'Pod' && object.group === '' && samePlace && POD_NAME.test(object.name))
    return podEventsTarget(namespace, object.name);
  return objectEventsTarget(namespace, { kind: object.kind === '' ? 'unknown' : object.kind, group: object.group, name: object.name });
}

function regardingOf(event: EventObject): RegardingObject {
  const regarding = event.regarding ?? {};
  const apiVersion = regarding.apiVersion ?? undefined;
  const slash = apiVersion?.indexOf('/') ?? -1;
  return {
    kind: regarding.kind ?? '',
    group: apiVersion === undefined || slash < 0 ? '' : apiVersion.slice(0, slash),
    name: regarding.name ?? '',
    ...(apiVersion ? { apiVersion } : {}),
    ...(regarding.namespace ? { namespace: regarding.namespace } : {}),
    ...(regarding.fieldPath ? { fieldPath: regarding.fieldPath } : {}),
  };
}

function nanosOf(time: string | null | undefined): string | undefined {
  return time ? toEpochNanos(time) : undefined;
}

function latest(times: readonly (string | null | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const time of times) {
    const nanos = nanosOf(time);
    if (nanos !== undefined && (best === undefined || nanos > best)) best = nanos;
  }
  return best;
}

function earliest(times: readonly (string | null | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const time of times) {
    const nanos = nanosOf(time);
    if (nanos !== undefined && (best === undefined || nanos < best)) best = nanos;
  }
  return best;
}
