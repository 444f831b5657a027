// What a Tailgate stream reads, and how the apiserver would name the same read: the objectRef,
// the request URI and (for pod logs) the PodLogOptions it records as `requestObject`. An audit
// event of Tailgate then filters, groups and alerts exactly like the `kubectl logs` it replaces.
//
// The apiserver records `kubectl logs` — followed (`-f`) or not — as verb `get` on `pods/log`:
// its RequestInfo resolver only turns a GET into `list` or `watch` when the URL names no object,
// and `follow=true` is an option of the log subresource, not a watch. A followed read is a
// long-running request (`log` is in kube-apiserver's long-running subresources), so it gets a
// `ResponseStarted` stage when the stream starts and `ResponseComplete` when it ends.
import type { AuditEmbeddedObject, AuditObjectReference } from './audit-event';

/** The logs of one container of a pod (objectRef `pods/log`, as `kubectl logs` records). */
export interface PodLogAuditTarget {
  readonly kind: 'pod';
  readonly namespace: string;
  readonly pod: string;
  readonly container?: string;
  readonly podUid?: string;
}

/**
 * A node's own logs (journal, /var/log). Recorded as `nodes/log`: that is what Tailgate's
 * authorizers judge and what the kubelet authorizes `/logs/` as. (The apiserver itself would
 * record the proxied request as `nodes/proxy`.)
 */
export interface NodeLogAuditTarget {
  readonly kind: 'node';
  readonly node: string;
}

/** A flow tap on a Logging operator Flow (namespaced) or ClusterFlow: recorded as `get` on it. */
export interface FlowAuditTarget {
  readonly kind: 'flow' | 'clusterflow';
  /** The Flow's namespace; for a ClusterFlow, leave it out (it is cluster-scoped). */
  readonly namespace?: string;
  readonly name: string;
}

/**
 * The Kubernetes Events of a namespace regarding one object (kube-events): recorded as the watch
 * `kubectl events --for <object> -w` makes — verb `watch` on `events` (events.k8s.io/v1) in the
 * namespace, no object name (a list names none). The regarded object goes in an annotation.
 */
export interface EventsAuditTarget {
  readonly kind: 'events';
  readonly namespace: string;
  /** The object the Events regard, as `<kind>[.<group>]:<name>` (`pod:web-1`, `deployment.apps:web`). */
  readonly regarding?: string;
}

export type AuditTarget = PodLogAuditTarget | NodeLogAuditTarget | FlowAuditTarget | EventsAuditTarget;

export const EVENTS_API_GROUP = 'events.k8s.io';

/** The verb the apiserver records for the read: `get` for a log or a Flow, `watch` for Events. */
export function auditVerb(target: AuditTarget): 'get' | 'watch' {
  return target.kind === 'events' ? 'watch' : 'get';
}

/** The options of a pod log read, as PodLogOptions fields (all optional, as in core/v1). */
export interface PodLogAuditOptions {
  readonly follow?: boolean;
  readonly previous?: boolean;
  readonly sinceSeconds?: number;
  readonly sinceTime?: string;
  readonly timestamps?: boolean;
  readonly tailLines?: number;
  readonly limitBytes?: number;
}

export const LOGGING_API_GROUP = 'logging.banzaicloud.io';
export const LOGGING_API_VERSION = 'v1beta1';

/** The objectRef the apiserver records for the same read; built field by field. */
export function auditObjectRef(target: AuditTarget): AuditObjectReference {
  switch (target.kind) {
    case 'pod':
      return target.podUid === undefined
        ? { resource: 'pods', namespace: target.namespace, name: target.pod, apiVersion: 'v1', subresource: 'log' }
        : {
            resource: 'pods',
            namespace: target.namespace,
            name: target.pod,
            uid: target.podUid,
            apiVersion: 'v1',
            subresource: 'log',
          };
    case 'node':
      return { resource: 'nodes', name: target.node, apiVersion: 'v1', subresource: 'log' };
    case 'flow':
    case 'clusterflow':
      return flowObjectRef(target);
    case 'events':
      return { resource: 'events', namespace: target.namespace, apiGroup: EVENTS_API_GROUP, apiVersion: 'v1' };
  }
}

function flowObjectRef(target: FlowAuditTarget): AuditObjectReference {
  const resource = target.kind === 'flow' ? 'flows' : 'clusterflows';
  const { name } = target;
  if (target.kind === 'flow' && target.namespace !== undefined) {
    return { resource, namespace: target.namespace, name, apiGroup: LOGGING_API_GROUP, apiVersion: LOGGING_API_VERSION };
  }
  return { resource, name, apiGroup: LOGGING_API_GROUP, apiVersion: LOGGING_API_VERSION };
}

/** The URI the apiserver would have been asked for the same read (`requestURI`). */
export function auditRequestURI(target: AuditTarget, options: PodLogAuditOptions = {}): string {
  const enc = encodeURIComponent;
  switch (target.kind) {
    case 'pod': {
      const query = podLogQuery(target.container, options);
      return `/api/v1/namespaces/${enc(target.namespace)}/pods/${enc(target.pod)}/log${query}`;
    }
    case 'node':
      return `/api/v1/nodes/${enc(target.node)}/proxy/logs/`;
    case 'flow':
      return `/apis/${LOGGING_API_GROUP}/${LOGGING_API_VERSION}/namespaces/${enc(target.namespace ?? '')}/flows/${enc(target.name)}`;
    case 'clusterflow':
      return `/apis/${LOGGING_API_GROUP}/${LOGGING_API_VERSION}/clusterflows/${enc(target.name)}`;
    case 'events':
      return `/apis/${EVENTS_API_GROUP}/v1/namespaces/${enc(target.namespace)}/events?watch=true`;
  }
}

function podLogQuery(container: string | undefined, options: PodLogAuditOptions): string {
  const query = new URLSearchParams();
  if (container !== undefined) query.set('container', container);
  if (options.follow === true) query.set('follow', 'true');
  if (options.previous === true) query.set('previous', 'true');
  if (options.sinceSeconds !== undefined) query.set('sinceSeconds', String(options.sinceSeconds));
  if (options.sinceTime !== undefined) query.set('sinceTime', options.sinceTime);
  if (options.timestamps === true) query.set('timestamps', 'true');
  if (options.tailLines !== undefined) query.set('tailLines', String(options.tailLines));
  if (options.limitBytes !== undefined) query.set('limitBytes', String(options.limitBytes));
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * The `requestObject` the apiserver records for a pods/log read at level Request: the decoded
 * PodLogOptions (connect options are logged as the request object). Field by field, so nothing
 * else of the subscription leaks into the audit trail.
 */
export function podLogOptionsObject(container: string | undefined, options: PodLogAuditOptions): AuditEmbeddedObject {
  const object: Record<string, unknown> = { kind: 'PodLogOptions', apiVersion: 'v1' };
  if (container !== undefined) object['container'] = container;
  if (options.follow === true) object['follow'] = true;
  if (options.previous === true) object['previous'] = true;
  if (options.sinceSeconds !== undefined) object['sinceSeconds'] = options.sinceSeconds;
  if (options.sinceTime !== undefined) object['sinceTime'] = options.sinceTime;
  if (options.timestamps === true) object['timestamps'] = true;
  if (options.tailLines !== undefined) object['tailLines'] = options.tailLines;
  if (options.limitBytes !== undefined) object['limitBytes'] = options.limitBytes;
  return object;
}
