// A change in the cluster that can change who may read what, as narrowly as it is known: the
// RBAC watch (access-objects-watch.ts) and the pod metadata cache report them, the gateway drops
// the decisions each could affect and re-checks the listeners it touches.
import type { PodChange } from './kube-pod-metadata';

export type AccessChange =
  /** A ClusterRole or ClusterRoleBinding changed, or a watch re-listed: anything may have changed. */
  | { readonly kind: 'cluster' }
  /** A Role or RoleBinding in this namespace changed. */
  | { readonly kind: 'namespace'; readonly namespace: string }
  /** A pod appeared, went away or changed its labels. */
  | { readonly kind: 'pod'; readonly namespace: string; readonly pod: string }
  /** A ServiceAccount was deleted: its tokens no longer authenticate, whatever RBAC still says. */
  | { readonly kind: 'identity-deleted'; readonly user: string; readonly uid: string };

/** What a pod metadata change means for access: nothing unless the pod is new, gone or relabelled. */
export function accessChangeOfPod(change: PodChange): AccessChange | undefined {
  switch (change.type) {
    case 'synced':
      // A re-list: labels may have changed unseen.
      if (!change.relisted) return undefined;
      return change.namespace === undefined ? { kind: 'cluster' } : { kind: 'namespace', namespace: change.namespace };
    case 'delete':
      return { kind: 'pod', namespace: change.namespace, pod: change.name };
    case 'upsert': {
      const { pod, previous } = change;
      if (previous !== undefined && sameLabels(previous.labels, pod.labels)) return undefined;
      return { kind: 'pod', namespace: pod.namespace, pod: pod.name };
    }
  }
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}
