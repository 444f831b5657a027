// One parsed body object → the record the source needs, built field by field: the pod as the
// shipper named it, the stream, the time and the message. Everything else in the body — labels
// above all, which the source reads from the apiserver — is left behind here.
import { isNamespace, isObjectName } from '../tap-ref';
import { cutLine } from './cut-line';
import type { IngestDropReason, IngestRecord } from './ingest-record';
import { recordTime } from './record-time';

/** Where the message is: `message` (CRI parser, the default), `log` (docker, CRI compatibility), `MESSAGE` (syslog-ng). */
const MESSAGE_KEYS = ['message', 'log', 'MESSAGE'] as const;

/** The record, or why it is left out; `maxLineBytes` bounds the message. */
export function toIngestRecord(object: Readonly<Record<string, unknown>>, maxLineBytes: number): IngestRecord | IngestDropReason {
  const kubernetes = object['kubernetes'];
  if (typeof kubernetes !== 'object' || kubernetes === null) return 'no_pod';
  const { namespace_name: namespace, pod_name: pod, container_name: container } = kubernetes as Readonly<Record<string, unknown>>;
  // Names that cannot exist in Kubernetes (container names are DNS-1123 labels, like namespaces)
  // could never be found in the apiserver: the record names no pod.
  if (typeof namespace !== 'string' || !isNamespace(namespace)) return 'no_pod';
  if (typeof pod !== 'string' || !isObjectName(pod)) return 'no_pod';
  if (typeof container !== 'string' || !isNamespace(container)) return 'no_pod';
  const message = messageOf(object);
  if (message === undefined) return 'no_message';
  const time = recordTime(object['time'], object['date']);
  const line = cutLine(message.endsWith('\n') ? message.slice(0, -1) : message, maxLineBytes);
  const stream = object['stream'] === 'stderr' ? 'stderr' : 'stdout';
  return time === undefined ? { namespace, pod, container, stream, line } : { namespace, pod, container, stream, time, line };
}

/** The first message key holding a string: a merged JSON log may leave a non-string `message`. */
function messageOf(object: Readonly<Record<string, unknown>>): string | undefined {
  for (const key of MESSAGE_KEYS) {
    const value = object[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}
