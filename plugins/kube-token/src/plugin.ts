// Bearer tokens checked by kube-apiserver's TokenReview: Tailgate's default authentication.
import { kubeServiceRef } from '@tailgate/kube';
import { definePlugin } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { TokenReviewAuthenticator } from './token-review-authenticator';

export const KubeTokenConfigSchema = z.strictObject({
  audiences: z
    .array(z.string().min(1))
    .default([])
    .describe("Audiences the token must be valid for; empty (default): the apiserver's --api-audiences."),
  cacheTtlMs: z
    .number()
    .int()
    .nonnegative()
    .default(60_000)
    .describe('Longest reuse of an accepted token, in ms; never past the token expiry. 0 disables. Default 60000.'),
  failureCacheTtlMs: z
    .number()
    .int()
    .nonnegative()
    .default(5_000)
    .describe('Reuse of a refusal, in ms, so a flood of bad tokens costs few reviews. 0 disables. Default 5000. Errors are never cached.'),
  maxCachedTokens: z.number().int().nonnegative().default(10_000).describe('Bound on cached answers. Default 10000.'),
});
export type KubeTokenConfig = z.output<typeof KubeTokenConfigSchema>;

export const kubeTokenPlugin = definePlugin({
  id: 'kube-token',
  description: 'Authenticates bearer tokens with a kube-apiserver TokenReview.',
  configSchema: KubeTokenConfigSchema,
  rbac: [{ apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] }],
  register(ctx) {
    ctx.addAuthenticator(new TokenReviewAuthenticator(ctx.use(kubeServiceRef), ctx.config));
  },
});
