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
   * kubelet, runtime and journal units, as Node Log Query serves them; then only `node` counts).
   */
  readonly resource?: 'pods/log' | 'nodes/log';
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
