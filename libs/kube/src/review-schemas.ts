// zod schemas for the review objects kube-apiserver returns: parsed once, where they enter.
import { z } from 'zod';

const extraSchema = z.record(z.string(), z.array(z.string())).optional();

export const AccessReviewResponseSchema = z.object({
  status: z
    .object({ allowed: z.boolean().default(false), denied: z.boolean().optional(), reason: z.string().optional() })
    .default({ allowed: false }),
});

// An unauthenticated TokenReview omits `authenticated` (omitempty), it is not `false`.
export const TokenReviewResponseSchema = z.object({
  status: z
    .object({
      authenticated: z.boolean().default(false),
      user: z
        .object({
          username: z.string().default(''),
          uid: z.string().optional(),
          groups: z.array(z.string()).default([]),
          extra: extraSchema,
        })
        .optional(),
      audiences: z.array(z.string()).default([]),
      expirationTimestamp: z.iso.datetime({ offset: true }).optional(),
    })
    .default({ authenticated: false, audiences: [] }),
});

const ruleSchema = z.object({
  verbs: z.array(z.string()).default([]),
  apiGroups: z.array(z.string()).optional(),
  resources: z.array(z.string()).optional(),
  resourceNames: z.array(z.string()).optional(),
  nonResourceURLs: z.array(z.string()).optional(),
});

export const RulesReviewResponseSchema = z.object({
  status: z
    .object({
      resourceRules: z.array(ruleSchema).default([]),
      nonResourceRules: z.array(ruleSchema).default([]),
      incomplete: z.boolean().default(false),
    })
    .default({ resourceRules: [], nonResourceRules: [], incomplete: false }),
});
