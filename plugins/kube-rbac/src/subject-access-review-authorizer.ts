// Asks kube-apiserver, with SubjectAccessReviews, whether the subject may read pod logs or a
// node's logs. No cache here: the host caches decisions and coalesces identical requests.
// Apiserver errors are thrown; the host turns them into an uncached deny.
import { type AccessReviewStatus, decide, type KubeApi, podLogReview, reviewSpec } from '@tailgate/kube';
import type { AccessRequest, AuthorizeContext, Authorizer, Decision } from '@tailgate/plugin-sdk';

export class SubjectAccessReviewAuthorizer implements Authorizer {
  readonly name = 'subject-access-review';

  constructor(private readonly kube: KubeApi) {}

  async authorize(request: AccessRequest, ctx: AuthorizeContext): Promise<Decision> {
    const review = podLogReview(request);
    const statuses: AccessReviewStatus[] = [];
    for (const attributes of review.attempts) {
      const spec = reviewSpec(request.subject, attributes);
      if (spec === undefined) return decide(review, undefined);
      const status = await this.kube.subjectAccessReview(spec, { signal: ctx.signal });
      statuses.push(status);
      if (status.allowed || status.denied) break;
    }
    return decide(review, statuses);
  }
}
