// How one Event observation reads as a record: kubectl's columns (`TYPE REASON OBJECT MESSAGE`,
// LAST SEEN being the record's time) as text, or one JSON object per line for programs. Warnings go
// out on `stderr`, everything else on `stdout`, so a client can colour them like container errors.
import type { LogRecord } from '@tailgate/plugin-sdk';

import { type EventObservation, observedAt, type RegardingObject } from './event-object';

export const EVENT_FORMATS = ['text', 'json'] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];

export function eventRecord(observation: EventObservation, format: EventFormat, cursor = observation.cursor): LogRecord {
  return {
    ts: observedAt(observation),
    target: observation.target,
    stream: observation.type === 'Warning' ? 'stderr' : 'stdout',
    line: format === 'json' ? jsonLine(observation) : textLine(observation),
    cursor,
  };
}

/** `Warning BackOff pod/web-1 Back-off restarting failed container (x5 over 3m)`; a note on one line. */
export function textLine(observation: EventObservation): string {
  const { type, reason, note, count } = observation;
  const series = count > 1 ? ` (x${count} over ${humanDuration(observation.firstSeen, observation.lastSeen)})` : '';
  const parts = [type, reason, objectColumn(observation.object), oneLine(note)].filter((part) => part !== '');
  return parts.join(' ') + series;
}

/** Every field named, built one by one; times in RFC 3339 with nanoseconds. */
export function jsonLine(observation: EventObservation): string {
  const { object } = observation;
  return JSON.stringify({
    type: observation.type,
    reason: observation.reason,
    object: {
      kind: object.kind,
      ...(object.apiVersion === undefined ? {} : { apiVersion: object.apiVersion }),
      name: object.name,
      ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
      ...(object.fieldPath === undefined ? {} : { fieldPath: object.fieldPath }),
    },
    note: observation.note,
    count: observation.count,
    firstSeen: observedAt({ ...observation, lastSeen: observation.firstSeen }),
    lastSeen: observedAt(observation),
    ...(observation.action === undefined ? {} : { action: observation.action }),
    ...(observation.reportingController === undefined ? {} : { reportingController: observation.reportingController }),
    ...(observation.reportingInstance === undefined ? {} : { reportingInstance: observation.reportingInstance }),
  });
}

/** kubectl's OBJECT column: `pod/web-1`, `deployment/web`, `node/node-a`. */
function objectColumn(object: RegardingObject): string {
  return object.kind === '' && object.name === '' ? '' : `${object.kind.toLowerCase()}/${object.name}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Like kubectl's: `45s`, `3m`, `2h5m`, `3d`. Arguments are 20-digit epoch nanoseconds. */
export function humanDuration(fromNanos: string, toNanos: string): string {
  const seconds = Math.max(0, Math.round(Number(BigInt(toNanos) - BigInt(fromNanos)) / 1e9));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return `${minutes}m${seconds % 60 === 0 ? '' : `${seconds % 60}s`}`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return `${hours}h${minutes % 60 === 0 ? '' : `${minutes % 60}m`}`;
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}
