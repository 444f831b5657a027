// Which logging-operator flow a subscription taps: `flow/<namespace>/<name>` (a Flow) or
// `clusterflow/<name>` (a ClusterFlow, which lives in the Logging's control namespace). The key
// names a tap everywhere: stream key, shared state, bus channel, the Output's annotation.
export type TapKind = 'flow' | 'clusterflow';

export interface TapRef {
  readonly kind: TapKind;
  /** The Flow's namespace; for a ClusterFlow, the control namespace it lives in. */
  readonly namespace: string;
  readonly name: string;
}

/** A DNS-1123 label (namespaces): at most 63 characters. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A DNS-1123 subdomain (object names): at most 253 characters. */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export function isNamespace(value: string): boolean {
  return NAMESPACE.test(value);
}

export function isObjectName(value: string): boolean {
  return NAME.test(value);
}

/**
 * Parses what a client asks for; undefined for anything else (the caller says what is expected).
 * A ClusterFlow's namespace is always `controlNamespace`: the operator reads them nowhere else.
 */
export function parseTapTarget(target: string, controlNamespace: string): TapRef | undefined {
  const parts = target.split('/');
  if (parts[0] === 'flow' && parts.length === 3) {
    const [, namespace = '', name = ''] = parts;
    return isNamespace(namespace) && isObjectName(name) ? { kind: 'flow', namespace, name } : undefined;
  }
  if (parts[0] === 'clusterflow' && parts.length === 2) {
    const name = parts[1] ?? '';
    return isObjectName(name) ? { kind: 'clusterflow', namespace: controlNamespace, name } : undefined;
  }
  return undefined;
}

/** `flow/<ns>/<name>` or `clusterflow/<ns>/<name>`: unique, and parsed back by parseTapKey. */
export function tapKey(tap: TapRef): string {
  return `${tap.kind}/${tap.namespace}/${tap.name}`;
}

export function parseTapKey(key: string): TapRef | undefined {
  const [kind, namespace = '', name = '', ...rest] = key.split('/');
  if ((kind !== 'flow' && kind !== 'clusterflow') || rest.length > 0) return undefined;
  return isNamespace(namespace) && isObjectName(name) ? { kind, namespace, name } : undefined;
}
