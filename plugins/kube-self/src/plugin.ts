// Desktop identity: the gateway runs on a laptop with the user's kubeconfig, so its Kubernetes
// credentials are the user's. One local token authenticates as that user; self reviews decide.
import { kubeSelfServiceRef, kubeServiceRef } from '@tailgate/kube';
import { definePlugin } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { LocalTokenAuthenticator } from './local-token-authenticator';
import { SelfAccessReviewAuthorizer } from './self-access-review-authorizer';
import { SelfIdentity } from './self-identity';

export const KubeSelfConfigSchema = z.strictObject({
  token: z
    .string()
    .min(32)
    .describe(
      'The one local bearer token that authenticates as the kubeconfig user; at least 32 characters, random. Required, no default.',
    ),
  otherSubjects: z
    .enum(['deny', 'abstain'])
    .default('deny')
    .describe('What the authorizer answers for a subject other than the kubeconfig user. Default deny.'),
});
export type KubeSelfConfig = z.output<typeof KubeSelfConfigSchema>;

export const kubeSelfPlugin = definePlugin({
  id: 'kube-self',
  description: 'Desktop mode: a local token stands for the kubeconfig user, whose own SelfSubjectAccessReviews decide access.',
  configSchema: KubeSelfConfigSchema,
  rbac: [
    { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
    { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
  ],
  register(ctx) {
    const identity = new SelfIdentity(ctx.use(kubeSelfServiceRef));
    ctx.addAuthorizer(new SelfAccessReviewAuthorizer(ctx.use(kubeServiceRef), identity, ctx.config.otherSubjects));
    ctx.addAuthenticator(new LocalTokenAuthenticator(ctx.config.token, identity));
  },
});
