// Who may tap a flow: whoever Kubernetes lets `get` that Flow (or ClusterFlow, in the control
// namespace), asked with a SubjectAccessReview for the subject. This is the source's own check
// (LogSource.admit), made at subscribe and at every re-check on top of the authorizer chain, which
// still judges every pod the tap reveals against the apiserver's pod labels.
import { decide, type KubeApi, type ResourceAttributes, reviewSpec } from '@tailgate/kube';
import { type AuthorizeContext, type Decision, deny, type Subject } from '@tailgate/plugin-sdk';

import type { TapRef } from './tap-ref';

export const LOGGING_API_GROUP = 'logging.banzaicloud.io';

/** `get flows` (or `clusterflows`) of that one object; version left out, as RBAC ignores it. */
export function flowReadAttributes(tap: TapRef): ResourceAttributes {
  return {
    verb: 'get',
    group: LOGGING_API_GROUP,
    resource: tap.kind === 'flow' ? 'flows' : 'clusterflows',
    namespace: tap.namespace,
    name: tap.name,
  };
}

/**
 * Allow only what the apiserver allows. Without a Kubernetes API there is nobody to ask, so no
 * one may tap. Apiserver errors are thrown: the host counts them as a deny and caches nothing.
 */
export async function reviewFlowRead(kube: KubeApi | undefined, tap: TapRef, subject: Subject, ctx: AuthorizeContext): Promise<Decision> {
  if (kube === undefined) return deny('flow taps need the Kubernetes API to check access to the Flow, and this gateway has none');
  const attributes = flowReadAttributes(tap);
  const review = { attempts: [attributes], decisive: true };
  const spec = reviewSpec(subject, attributes);
  if (spec === undefined) return decide(review, undefined);
  const status = await kube.subjectAccessReview(spec, { signal: ctx.signal });
  return decide(review, [status]);
}
