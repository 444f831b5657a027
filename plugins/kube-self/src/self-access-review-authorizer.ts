// Desktop-mode authorizer: the gateway's credentials are the user's kubeconfig, so a
// SelfSubjectAccessReview answers for that user. It answers only for that user: any other
// subject gets `otherSubjects` (deny by default), so a shared gateway never lends one user's
// rights to another. Apiserver errors are thrown; the host turns them into an uncached deny.
import type { AccessReviewStatus, KubeApi } from '@tailgate/kube';
import { abstain, type AccessRequest, type AuthorizeContext, type Authorizer, type Decision, deny } from '@tailgate/plugin-sdk';

import type { SelfIdentity } from './self-identity';
import { decideSelfReview, selfReview } from './self-review';

export const NOT_SELF = 'kube-self answers only for the kubeconfig user';

export class SelfAccessReviewAuthorizer implements Authorizer {
  readonly name = 'self-access-review';

  constructor(
    private readonly kube: Pick<KubeApi, 'selfSubjectAccessReview'>,
    private readonly identity: SelfIdentity,
    private readonly otherSubjects: 'deny' | 'abstain',
  ) {}

  async authorize(request: AccessRequest, ctx: AuthorizeContext): Promise<Decision> {
    const review = selfReview(request);
    if (review === undefined) return abstain();
    if (request.subject.user !== (await this.identity.subject()).user) {
      return this.otherSubjects === 'deny' ? deny(NOT_SELF) : abstain();
    }
    let status: AccessReviewStatus = { allowed: false, denied: false };
    for (const attributes of review.attempts) {
      status = await this.kube.selfSubjectAccessReview(attributes, { signal: ctx.signal });
      if (status.allowed || status.denied) break;
    }
    return decideSelfReview(review, status);
  }
}
