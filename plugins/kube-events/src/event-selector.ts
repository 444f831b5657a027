// What a client may ask the events source for: the Events of some namespaces, optionally of one
// object, of some types and reasons, as text or JSON. Parsed once at subscribe; the output is plain
// JSON (another replica may open the stream from it) and normalised, so equal requests share one key.
import type { AccessScope } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { EVENT_FORMATS, type EventFormat } from './event-line';
import type { EventObservation } from './event-object';

const namespaceName = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'not a namespace name');
/** Object names are path segments (no `/`); RBAC objects may carry `:`. Field selectors need no escaping then. */
const objectName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'not an object name');
const kind = z
  .string()
  .max(63)
  .regex(/^[A-Z][A-Za-z0-9]*$/, 'not a kind (e.g. Pod, Deployment, Node)');
const reason = z
  .string()
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'not an event reason (e.g. BackOff, FailedScheduling)');

export const EVENT_TYPES = ['Normal', 'Warning'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const sortedUnique = <T extends string>(values: readonly T[] | undefined): T[] | undefined =>
  values === undefined || values.length === 0 ? undefined : [...new Set(values)].sort();

export const EventSelectorSchema = z
  .strictObject({
    namespaces: z.array(namespaceName).min(1).max(50).describe('Namespaces whose Events to read (required).'),
    object: z
      .strictObject({ kind, name: objectName })
      .optional()
      .describe('Only Events regarding this object (`regarding.kind` and `regarding.name`), e.g. { kind: Deployment, name: web }.'),
    types: z.array(z.enum(EVENT_TYPES)).max(2).optional().describe('Only these types: Normal, Warning (default both).'),
    reasons: z.array(reason).max(20).optional().describe('Only these reasons, e.g. BackOff, FailedScheduling.'),
    format: z.enum(EVENT_FORMATS).optional().describe('text (default): TYPE REASON OBJECT MESSAGE, as kubectl; json: one object per line.'),
  })
  .transform((selector): EventSelector => {
    const types = sortedUnique(selector.types);
    const normalised = {
      namespaces: sortedUnique(selector.namespaces) as string[],
      object: selector.object,
      // Both types is every Event: one spelling for one request.
      types: types?.length === EVENT_TYPES.length ? undefined : types,
      reasons: sortedUnique(selector.reasons),
      format: selector.format ?? 'text',
    };
    return Object.fromEntries(Object.entries(normalised).filter(([, v]) => v !== undefined)) as unknown as EventSelector;
  });

export interface EventSelector {
  readonly namespaces: readonly string[];
  readonly object?: { readonly kind: string; readonly name: string };
  readonly types?: readonly EventType[];
  readonly reasons?: readonly string[];
  readonly format: EventFormat;
}

export function eventStreamKey(selector: EventSelector): string {
  return JSON.stringify(selector);
}

/**
 * One scope per namespace: its Events (`list events` there). A selector for one pod names the pod
 * too, so a subscriber who named it may be told it is denied.
 */
export function eventScope(selector: EventSelector): AccessScope[] {
  const pod = selector.object?.kind === 'Pod' ? { pod: selector.object.name } : {};
  return selector.namespaces.map((namespace) => ({ resource: 'events' as const, namespace, ...pod }));
}

/** The list/watch `fieldSelector` (events.k8s.io field labels): what the apiserver can filter for us. */
export function eventFieldSelector(selector: EventSelector): string | undefined {
  const terms: string[] = [];
  if (selector.object) terms.push(`regarding.kind=${selector.object.kind}`, `regarding.name=${selector.object.name}`);
  if (selector.types?.length === 1) terms.push(`type=${selector.types[0]}`);
  if (selector.reasons?.length === 1) terms.push(`reason=${selector.reasons[0]}`);
  return terms.length === 0 ? undefined : terms.join(',');
}

/** Whether an observation is one the selector asks for (the apiserver filtered most; this is exact). */
export function selects(selector: EventSelector, observation: EventObservation): boolean {
  const { object, types, reasons } = selector;
  if (object && (observation.object.kind !== object.kind || observation.object.name !== object.name)) return false;
  if (types && !(types as readonly string[]).includes(observation.type)) return false;
  if (reasons && !reasons.includes(observation.reason)) return false;
  return selector.namespaces.includes(observation.target.namespace);
}
