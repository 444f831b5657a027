// Namespace allow-list authorizer: a ceiling on the namespaces each user or group may see.
import { definePlugin } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { NamespaceAllowlistAuthorizer } from './namespace-allowlist-authorizer';
import { matchesNamespace } from './namespace-patterns';

const NAMESPACE_PATTERN = /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?|[a-z0-9][-a-z0-9]*\*)$/;

export const NamespaceAllowlistConfigSchema = z.strictObject({
  rules: z
    .array(
      z
        .strictObject({
          users: z.array(z.string().min(1)).default([]).describe('User names this rule applies to.'),
          groups: z.array(z.string().min(1)).default([]).describe('Groups this rule applies to.'),
          namespaces: z
            .array(z.string().regex(NAMESPACE_PATTERN, 'a namespace name, `*`, or a prefix ending in `*`'))
            .min(1)
            .describe('Namespaces they may see: names, `*`, or prefixes like `team-a-*`.'),
        })
        .refine((rule) => rule.users.length + rule.groups.length > 0, 'a rule needs at least one user or group'),
    )
    .default([])
    .describe('Who may see which namespaces; a subject no rule names sees none.'),
});
export type NamespaceAllowlistConfig = z.output<typeof NamespaceAllowlistConfigSchema>;

export const namespaceAllowlistPlugin = definePlugin({
  id: 'namespace-allowlist',
  description: 'Limits each user or group to a list of namespaces.',
  configSchema: NamespaceAllowlistConfigSchema,
  register(ctx) {
    ctx.addAuthorizer(new NamespaceAllowlistAuthorizer(ctx.config.rules));
    ctx.addRecordRule({
      name: 'namespace-in',
      params: z.strictObject({ patterns: z.array(z.string()) }),
      test: (record, { patterns }) => matchesNamespace(patterns, record.ns),
    });
  },
});
