import { podLabelPolicyPlugin } from './plugin';

export { evaluateLabels, POLICY_LABEL, subjectKey, subjectLabel } from './label-policy';
export { PodLabelAuthorizer } from './pod-label-authorizer';
export { podLabelPolicyPlugin, PodLabelPolicyConfigSchema } from './plugin';
export default podLabelPolicyPlugin;
