// Pure core of the kube-rbac authorizer: which SubjectAccessReview a request needs, and which
// decision its answer gives. Reasons name the resource, never the apiserver's text.
import type { AccessReviewStatus, ResourceAttributes, SubjectAccessReviewSpec } from '@tailgate/kube';
import { abstain, type AccessRequest, allow, type Decision, deny, type Subject } from '@tailgate/plugin-sdk';

/**
 * What one request is reviewed as. `decisive`: a "no" denies (a single pod: a target, or a
 * scope naming a pod); otherwise a "no" abstains, since `resourceNames` grants may still allow
 * single pods, each of which is then checked as a target.
 */
export interface PodLogReview {
  readonly attributes: ResourceAttributes;
  readonly decisive: boolean;
}

export function podLogReview(request: AccessRequest): PodLogReview {
  const where = request.kind === 'target' ? request.target : request.scope;
  const namespace = where.namespace;
  // A pod name without a namespace names no single object; judge it as the cluster-wide scope.
  const pod = namespace === undefined ? undefined : where.pod;
  const attributes: ResourceAttributes = {
    verb: 'get',
    group: '',
    version: 'v1',
    resource: 'pods',
    subresource: 'log',
    ...(namespace === undefined ? {} : { namespace }),
    ...(pod === undefined ? {} : { name: pod }),
  };
  return { attributes, decisive: pod !== undefined };
}

/** The SubjectAccessReview spec for a subject; undefined when the subject has no identity to review. */
export function reviewSpec(subject: Subject, attributes: ResourceAttributes): SubjectAccessReviewSpec | undefined {
  if (subject.user === '' && subject.groups.length === 0) return undefined;
  return {
    user: subject.user,
    groups: [...subject.groups],
    ...(subject.uid === undefined ? {} : { uid: subject.uid }),
    ...(subject.extra === undefined ? {} : { extra: subject.extra }),
    resourceAttributes: attributes,
  };
}

/** `pods/log of ns/pod`, `pods/log in namespace ns`, `pods/log in all namespaces`. */
export function describeResource(attributes: ResourceAttributes): string {
  if (attributes.namespace === undefined) return 'get pods/log in all namespaces';
  if (attributes.name === undefined) return `get pods/log in namespace ${attributes.namespace}`;
  return `get pods/log of ${attributes.namespace}/${attributes.name}`;
}

/** `status` undefined: no identity, so nothing can be allowed. */
export function decide(review: PodLogReview, status: AccessReviewStatus | undefined): Decision {
  const what = describeResource(review.attributes);
  if (status?.allowed) return allow();
  if (status?.denied) return deny(`Kubernetes explicitly denies ${what}`);
  return review.decisive ? deny(`Kubernetes RBAC does not allow ${what}`) : abstain();
}
