import { kubeRbacPlugin } from './plugin';

export { kubeRbacPlugin, KubeRbacConfigSchema, type KubeRbacConfig } from './plugin';
export { SubjectAccessReviewAuthorizer } from './subject-access-review-authorizer';
export default kubeRbacPlugin;
