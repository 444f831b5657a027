// Whether a ServiceAccount may do something, asked of the apiserver's authorizer with a
// SubjectAccessReview carrying exactly the user and groups its tokens authenticate as.
import type { KubeClient } from '../../cluster/src/kube-client';

export interface ResourceAttributes {
  readonly verb: string;
  readonly resource: string;
  readonly group?: string;
  /** Unset: cluster-wide (all namespaces). */
  readonly namespace?: string;
  readonly name?: string;
}

/** What the gateway's kube-token plugin does for every sign-in. */
export const CREATE_TOKEN_REVIEWS: ResourceAttributes = { verb: 'create', group: 'authentication.k8s.io', resource: 'tokenreviews' };

export async function serviceAccountMay(
  admin: KubeClient,
  saNamespace: string,
  name: string,
  attributes: ResourceAttributes,
): Promise<boolean> {
  const review = await admin.create<{ status: { allowed: boolean } }>('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: `system:serviceaccount:${saNamespace}:${name}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${saNamespace}`, 'system:authenticated'],
      resourceAttributes: { ...attributes, group: attributes.group ?? '' },
    },
  });
  return review.status.allowed;
}

/**
 * Which of get/list/watch on Secrets the ServiceAccount may do, in its own namespace or across all
 * of them (`verb` or `verb cluster-wide`): empty for an identity that can read no Secret.
 */
export async function secretReadsAllowed(admin: KubeClient, namespace: string, name: string): Promise<string[]> {
  const allowed: string[] = [];
  for (const verb of ['get', 'list', 'watch']) {
    if (await serviceAccountMay(admin, namespace, name, { verb, resource: 'secrets', namespace })) allowed.push(verb);
    if (await serviceAccountMay(admin, namespace, name, { verb, resource: 'secrets' })) allowed.push(`${verb} cluster-wide`);
  }
  return allowed;
}
