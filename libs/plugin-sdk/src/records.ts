// What flows through a stream and what authorizers judge. Authorizers look at targets and
// scopes, never at `line`.

/** One container's output stream: the unit that access decisions are made for. */
export interface TargetRef {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly node?: string;
}

export interface LogRecord {
  /** RFC 3339 timestamp, nanosecond precision when upstream provides it. */
  readonly ts: string;
  readonly target: TargetRef;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
  /**
   * Opaque position of this record. For one target, cursors compare in source order as plain
   * strings (`a < b` ⇔ a came first); the host relies on that to drop duplicates.
   */
  readonly cursor: string;
}

/**
 * What a record rule reads of a record: its target's fields flat (`ns`, not `target.namespace`),
 * as the host holds records inside and sends them, so rules run on its records as they are, with
 * no copy per record. A node's own logs have `ns` and `pod` empty (see nodeLogTarget).
 */
export interface RecordView {
  readonly ts: string;
  readonly ns: string;
  readonly pod: string;
  readonly container: string;
  readonly node?: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

/**
 * What a subscription could reveal; every authorizer sees it before any record flows.
 * A missing field means "any": no `namespace` is every namespace, no `pod` every pod.
 */
export interface AccessScope {
  /**
   * What is read: container logs (`pods/log`, the default) or a node's own logs (`nodes/log`:
   * kubelet, runtime and journal units, as Node Log Query serves them; then only `node` counts),
   * or the Kubernetes Events of a namespace (`events`: what `list events` there grants; see
   * objectEventsTarget).
   */
  readonly resource?: 'pods/log' | 'nodes/log' | 'events';
  readonly namespace?: string;
  readonly pod?: string;
  readonly container?: string;
  readonly node?: string;
  /** Kubernetes label selector syntax, as the source will apply it. */
  readonly labelSelector?: string;
}

export function targetKey(target: TargetRef): string {
  return `${target.namespace}/${target.pod}/${target.container}`;
}

/**
 * The one convention for a node's own logs (Node Log Query: journal units, files under /var/log)
 * as a target: `namespace` and `pod` are empty (no Kubernetes object has an empty name, so such a
 * target never names a pod), `container` says what was queried (`kubelet`, `kubelet,containerd`,
 * `pods/audit.log`), and `node` is required. Hosts judge it as the node's logs (`nodes/log`).
 */
export function nodeLogTarget(node: string, query: string): TargetRef {
  return { namespace: '', pod: '', container: query, node };
}

export function isNodeLogTarget(target: TargetRef): target is TargetRef & { readonly node: string } {
  return target.namespace === '' && target.pod === '' && target.node !== undefined && target.node !== '';
}

/**
 * The container of every Kubernetes Events target (kube-events): no container has this name
 * (container names are lowercase DNS labels), so an events target never names a container.
 */
export const EVENTS_CONTAINER = 'Events';

/**
 * The Events regarding a pod, as a target: the pod itself with the container `Events`. Hosts judge
 * it as the pod (its logs), like any target of that pod.
 */
export function podEventsTarget(namespace: string, pod: string): TargetRef {
  return { namespace, pod, container: EVENTS_CONTAINER };
}

/**
 * The Events (in `namespace`) regarding an object that is not a pod, as a target: `pod` is the
 * object as `<kind>[.<group>]:<name>` (`deployment.apps:web`, `node:node-a`), which no pod name can
 * be (pod names have no `:`), and `container` is `Events`. Hosts judge it as the namespace's Events
 * (`{ resource: 'events', namespace }`), never as a pod.
 */
export function objectEventsTarget(
  namespace: string,
  object: { readonly kind: string; readonly group?: string; readonly name: string },
): TargetRef {
  const group = object.group === undefined || object.group === '' ? '' : `.${object.group}`;
  return { namespace, pod: `${object.kind.toLowerCase()}${group}:${object.name}`, container: EVENTS_CONTAINER };
}

export function isObjectEventsTarget(target: TargetRef): boolean {
  return target.container === EVENTS_CONTAINER && target.namespace !== '' && target.pod.includes(':');
}
