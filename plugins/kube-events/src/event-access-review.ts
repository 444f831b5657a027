// Who may read Events: whoever Kubernetes lets `list events` in every namespace the selector names
// (events.k8s.io or the core group: both serve the same objects), asked with SubjectAccessReviews
// for the subject. This is the source's own check (LogSource.admit), made at subscribe and at every
// re-check whatever the authorizer chain is, so a revoked grant ends the stream; the chain still
// judges every target (a pod's Events as that pod, see docs/sources/kube-events.md).
import { askReview, eventListAttempts, type KubeApi } from '@tailgate/kube';
import { allow, type AuthorizeContext, type Decision, type Subject } from '@tailgate/plugin-sdk';

/** Allow only when every namespace allows. Apiserver errors are thrown: the host counts them as a deny and caches nothing. */
export async function reviewEventList(
  kube: Pick<KubeApi, 'subjectAccessReview'>,
  namespaces: readonly string[],
  subject: Subject,
  ctx: AuthorizeContext,
): Promise<Decision> {
  const decisions = await Promise.all(
    namespaces.map((namespace) => askReview(kube, { attempts: eventListAttempts(namespace), decisive: true }, subject, ctx.signal)),
  );
  return decisions.find((decision) => decision.result !== 'allow') ?? decisions[0] ?? allow();
}
