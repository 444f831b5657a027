// Kubernetes RBAC (or any apiserver authorizer) as a Tailgate authorizer, per pod name.
import { ACCESS_WATCH_RULES, kubeServiceRef } from '@tailgate/kube';
import { definePlugin } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { SubjectAccessReviewAuthorizer } from './subject-access-review-authorizer';

export const KubeRbacConfigSchema = z.strictObject({});
export type KubeRbacConfig = z.output<typeof KubeRbacConfigSchema>;

export const kubeRbacPlugin = definePlugin({
  id: 'kube-rbac',
  description: 'Allows what a SubjectAccessReview for get pods/log (per namespace and pod name) allows.',
  configSchema: KubeRbacConfigSchema,
  // The gateway watches RBAC objects and ServiceAccounts while this authorizer is in the chain,
  // so a change drops the decisions it affects at once (docs/security.md, Revocation).
  rbac: [{ apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] }, ...ACCESS_WATCH_RULES],
  register(ctx) {
    ctx.addAuthorizer(new SubjectAccessReviewAuthorizer(ctx.use(kubeServiceRef)));
  },
});
