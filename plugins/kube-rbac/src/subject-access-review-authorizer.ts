// Asks kube-apiserver, with a SubjectAccessReview per request, whether the subject may
// `get pods/log`. No cache here: the host caches decisions and coalesces identical requests.
// Apiserver errors are thrown; the host turns them into an uncached deny.
import type { KubeApi } from '@tailgate/kube';
import type { AccessRequest, AuthorizeContext, Authorizer, Decision } from '@tailgate/plugin-sdk';

import { decide, podLogReview, reviewSpec } from './pod-log-review';

export class SubjectAccessReviewAuthorizer implements Authorizer {
  readonly name = 'subject-access-review';

  constructor(private readonly kube: KubeApi) {}

  async authorize(request: AccessRequest, ctx: AuthorizeContext): Promise<Decision> {
    const review = podLogReview(request);
    const spec = reviewSpec(request.subject, review.attributes);
    const status = spec === undefined ? undefined : await this.kube.subjectAccessReview(spec, { signal: ctx.signal });
    return decide(review, status);
  }
}
