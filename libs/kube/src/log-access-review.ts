// Which access reviews a log request needs, and which decision their answers give: the pure core
// shared by the kube-rbac (SubjectAccessReview) and kube-self (SelfSubjectAccessReview) authorizers. Reasons name the resource, never the apiserver's text.
//   pod logs:  `get pods/log` (with the pod's name when there is one, so resourceNames work)
//   node logs: `get nodes/log` (fine-grained kubelet authorization), else `get nodes/proxy`
//   events:    `list events` (events.k8s.io, else the core group) in the namespace
import type { AccessReviewStatus, KubeApi, ResourceAttributes, SubjectAccessReviewSpec } from './kube-api';
import { abstain, type AccessRequest, allow, type Decision, deny, type Subject } from '@tailgate/plugin-sdk';

/**
 * What one request is reviewed as: attributes tried in order (the first allowed wins).
 * `decisive`: a "no" denies (a single pod or node); otherwise a "no" abstains, since
 * `resourceNames` grants may still allow single objects, each then checked as a target.
 */
export interface PodLogReview {
  readonly attempts: readonly ResourceAttributes[];
  readonly decisive: boolean;
}

export function podLogReview(request: AccessRequest): PodLogReview {
  // Reading a namespace's Events and learning the objects they name are the same grant.
  if (request.kind === 'scope' && request.scope.resource === 'events') {
    return { attempts: eventListAttempts(request.scope.namespace), decisive: true };
  }
  if (request.action === 'targets.list') return listReview(request);
  const nodeLogs = request.kind === 'target' ? request.target.pod === undefined : request.scope.resource === 'nodes/log';
  return nodeLogs ? nodeReview(request.kind === 'target' ? request.target.node : request.scope.node) : podReview(request);
}

/** `list pods` in the namespace, or `list nodes`: whether Kubernetes would tell the subject the names. */
function listReview(request: AccessRequest): PodLogReview {
  const where = request.kind === 'target' ? request.target : request.scope;
  const nodes = request.kind === 'target' ? request.target.pod === undefined : request.scope.resource === 'nodes/log';
  const attributes: ResourceAttributes = nodes
    ? { verb: 'list', group: '', version: 'v1', resource: 'nodes' }
    : {
        verb: 'list',
        group: '',
        version: 'v1',
        resource: 'pods',
        ...(where.namespace === undefined ? {} : { namespace: where.namespace }),
      };
  return { attempts: [attributes], decisive: true };
}

function podReview(request: AccessRequest): PodLogReview {
  const where = request.kind === 'target' ? request.target : request.scope;
  const namespace = where.namespace;
  // A pod name without a namespace names no single object; judge it as the cluster-wide scope.
  const pod = namespace === undefined ? undefined : where.pod;
  return { attempts: [podLogAttributes(namespace, pod)], decisive: pod !== undefined };
}

/** `get pods/log`, in a namespace and of one pod when given. */
export function podLogAttributes(namespace?: string, pod?: string): ResourceAttributes {
  return {
    verb: 'get',
    group: '',
    version: 'v1',
    resource: 'pods',
    subresource: 'log',
    ...(namespace === undefined ? {} : { namespace }),
    ...(pod === undefined ? {} : { name: pod }),
  };
}

/**
 * `list events` in a namespace (or everywhere): events.k8s.io first, then the core group. Both APIs
 * serve the same Event objects, so Kubernetes lets a grant in either read them. No version: RBAC
 * ignores it. `resourceNames` cannot narrow a list, so a "no" is final.
 */
export function eventListAttempts(namespace?: string): ResourceAttributes[] {
  const where = namespace === undefined ? {} : { namespace };
  return [
    { verb: 'list', group: 'events.k8s.io', resource: 'events', ...where },
    { verb: 'list', group: '', resource: 'events', ...where },
  ];
}

function nodeReview(node: string | undefined): PodLogReview {
  const named = node === undefined ? {} : { name: node };
  const attempt = (subresource: string): ResourceAttributes => ({
    verb: 'get',
    group: '',
    version: 'v1',
    resource: 'nodes',
    subresource,
    ...named,
  });
  return { attempts: [attempt('log'), attempt('proxy')], decisive: node !== undefined };
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

/** `get pods/log of ns/pod`, `get nodes/log of node n1`, `get pods/log in all namespaces`, … */
export function describeResource(attributes: ResourceAttributes): string {
  const what = `${attributes.verb} ${attributes.resource}${attributes.subresource === undefined ? '' : `/${attributes.subresource}`}`;
  if (attributes.resource === 'nodes') return attributes.name === undefined ? `${what} of all nodes` : `${what} of node ${attributes.name}`;
  if (attributes.namespace === undefined) return `${what} in all namespaces`;
  if (attributes.name === undefined) return `${what} in namespace ${attributes.namespace}`;
  return `${what} of ${attributes.namespace}/${attributes.name}`;
}

/**
 * Asks the apiserver a review's attempts for the subject, in order, until one allows or explicitly
 * denies, and decides. Apiserver errors are thrown (hosts deny without caching).
 */
export async function askReview(
  kube: Pick<KubeApi, 'subjectAccessReview'>,
  review: PodLogReview,
  subject: Subject,
  signal: AbortSignal,
): Promise<Decision> {
  const statuses: AccessReviewStatus[] = [];
  for (const attributes of review.attempts) {
    const spec = reviewSpec(subject, attributes);
    if (spec === undefined) return decide(review, undefined);
    const status = await kube.subjectAccessReview(spec, { signal });
    statuses.push(status);
    if (status.allowed || status.denied) break;
  }
  return decide(review, statuses);
}

/**
 * `statuses[i]` answers `review.attempts[i]`; an attempt after an allow is never asked, so
 * fewer statuses than attempts is normal. `undefined`: no identity, so nothing can be allowed.
 */
export function decide(review: PodLogReview, statuses: readonly AccessReviewStatus[] | undefined): Decision {
  const what = describeResource(review.attempts[0] as ResourceAttributes);
  const allowed = statuses?.find((s) => s.allowed);
  // The apiserver's reason names the binding that grants it; the audit trail records it as the apiserver does.
  if (allowed) return allow(allowed.reason);
  if (statuses?.some((s) => s.denied)) return deny(`Kubernetes explicitly denies ${what}`);
  return review.decisive ? deny(`Kubernetes RBAC does not allow ${what}`) : abstain();
}
