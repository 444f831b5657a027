import { kubeRbacPlugin } from './plugin';

export { decide, describeResource, podLogReview, reviewSpec, type PodLogReview } from './pod-log-review';
export { kubeRbacPlugin, KubeRbacConfigSchema, type KubeRbacConfig } from './plugin';
export { SubjectAccessReviewAuthorizer } from './subject-access-review-authorizer';
export default kubeRbacPlugin;
