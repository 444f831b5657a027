import { kubeSelfPlugin } from './plugin';

export { LocalTokenAuthenticator, NOT_LOCAL_TOKEN } from './local-token-authenticator';
export { kubeSelfPlugin, KubeSelfConfigSchema, type KubeSelfConfig } from './plugin';
export { NOT_SELF, SelfAccessReviewAuthorizer } from './self-access-review-authorizer';
export { SelfIdentity } from './self-identity';
export { decideSelfReview, describeSelfReview, selfReview, type SelfReview } from './self-review';
export default kubeSelfPlugin;
