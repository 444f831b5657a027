// The target a refused subscription names, for the audit trail: a pod (with its container, when
// the scope names one), a node's logs, or a namespace's Events. A scope over a whole namespace or a label selector names
// no object the apiserver's audit format could hold; its refusal is logged, not audited.
import type { AuditTarget } from '@tailgate/audit';
import type { AccessScope } from '@tailgate/plugin-sdk';

export function scopeAuditTarget(scope: AccessScope): AuditTarget | undefined {
  const { resource, namespace, pod, container, node } = scope;
  if (resource === 'nodes/log') return node === undefined ? undefined : { kind: 'node', node };
  if (resource === 'events') return namespace === undefined ? undefined : { kind: 'events', namespace };
  if (namespace !== undefined && pod !== undefined) {
    return container === undefined ? { kind: 'pod', namespace, pod } : { kind: 'pod', namespace, pod, container };
  }
  return undefined;
}
