// Pure core of the kube-self authorizer: which SelfSubjectAccessReview a request needs and which
// decision its answer gives. A single pod is decisive (a "no" denies); a namespace or all of
// them is not (a "no" abstains), since `resourceNames` grants may still allow single pods,
// each then checked as a target. Reasons name the resource, never the apiserver's text.
import { type AccessReviewStatus, describeResource, podLogReview, type ResourceAttributes } from '@tailgate/kube';
import { abstain, type AccessRequest, allow, type Decision, deny } from '@tailgate/plugin-sdk';

export interface SelfReview {
  /** The review that names the request (`get pods/log`, `list events`). */
  readonly attributes: ResourceAttributes;
  /** Asked in order until one allows: `list events` in events.k8s.io, then in the core group. */
  readonly attempts: readonly ResourceAttributes[];
  readonly decisive: boolean;
}

/** Undefined for requests about node logs: not this authorizer's business. */
export function selfReview(request: AccessRequest): SelfReview | undefined {
  const review = podLogReview(request);
  const attributes = review.attempts[0];
  if (attributes === undefined || (attributes.resource !== 'pods' && attributes.resource !== 'events')) return undefined;
  return { attributes, attempts: review.attempts, decisive: review.decisive };
}

export function describeSelfReview({ attributes }: SelfReview): string {
  return describeResource(attributes);
}

export function decideSelfReview(review: SelfReview, status: AccessReviewStatus): Decision {
  if (status.allowed) return allow();
  const what = describeSelfReview(review);
  if (status.denied) return deny(`Kubernetes explicitly denies the kubeconfig user ${what}`);
  return review.decisive ? deny(`the kubeconfig user may not ${what}`) : abstain();
}
