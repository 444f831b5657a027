// zod schemas for the answers KubeSelfApi parses: a SelfSubjectReview and a NamespaceList page.
import { z } from 'zod';

export const SelfSubjectReviewResponseSchema = z.object({
  status: z.object({
    userInfo: z.object({
      username: z.string().min(1),
      uid: z.string().optional(),
      groups: z.array(z.string()).default([]),
      extra: z.record(z.string(), z.array(z.string())).optional(),
    }),
  }),
});

export const NamespaceListSchema = z.object({
  metadata: z.object({ continue: z.string().optional() }).default({}),
  items: z.array(z.object({ metadata: z.object({ name: z.string().min(1) }) })).default([]),
});
