// What a cached decision depends on, and which cluster changes touch it (DESIGN §4 Revocation).
// Kubernetes RBAC grants pod logs per namespace (Role, RoleBinding) or everywhere (ClusterRole,
// ClusterRoleBinding), and label policies look at one pod; so a decision about a pod depends on
// its namespace and on the pod itself, a scope on its namespace, anything cluster-wide (a scope
// across namespaces, a node's logs) only on cluster-wide changes — which drop everything anyway.
import type { AccessChange } from '@tailgate/kube';
import type { AccessRequest, AccessTarget, Subject } from '@tailgate/plugin-sdk';

/** The DecisionCache dependencies of a request; none beyond "everything" for cluster-wide ones. */
export function dependenciesOf(request: AccessRequest): string[] {
  const where = request.kind === 'target' ? request.target : request.scope;
  if (where.namespace === undefined) return [];
  const namespace = namespaceDependency(where.namespace);
  return where.pod === undefined || request.kind === 'scope' ? [namespace] : [namespace, podDependency(where.namespace, where.pod)];
}

/** The dependencies a change invalidates: 'all', or a list (empty: no cached decision, only identities). */
export function invalidatedBy(change: AccessChange): 'all' | string[] {
  switch (change.kind) {
    case 'cluster':
      return 'all';
    case 'namespace':
      return [namespaceDependency(change.namespace)];
    case 'pod':
      return [podDependency(change.namespace, change.pod)];
    case 'identity-deleted':
      return [];
  }
}

/** Whether a live listener's decision about a target could differ after any of the changes. */
export function touchedBy(changes: readonly AccessChange[]): (subject: Subject, target: AccessTarget) => boolean {
  if (changes.some((change) => change.kind === 'cluster')) return () => true;
  const namespaces = new Set<string>();
  const pods = new Set<string>();
  const identities: { user: string; uid: string }[] = [];
  for (const change of changes) {
    if (change.kind === 'namespace') namespaces.add(change.namespace);
    else if (change.kind === 'pod') pods.add(podDependency(change.namespace, change.pod));
    else if (change.kind === 'identity-deleted') identities.push(change);
  }
  return (subject, target) => {
    if (identities.some(({ user, uid }) => isIdentity(subject, user, uid))) return true;
    if (target.namespace === undefined) return false;
    return namespaces.has(target.namespace) || (target.pod !== undefined && pods.has(podDependency(target.namespace, target.pod)));
  };
}

/** A ServiceAccount's tokens carry its uid; a subject without one is matched by name. */
export function isIdentity(subject: Subject, user: string, uid: string): boolean {
  return subject.user === user && (subject.uid === undefined || subject.uid === uid);
}

function namespaceDependency(namespace: string): string {
  return `ns\u0000${namespace}`;
}

function podDependency(namespace: string, pod: string): string {
  return `pod\u0000${namespace}\u0000${pod}`;
}
