// tailgate-plugin-example: a third-party Tailgate plugin, built and published on its own, that
// the gateway loads with `plugins: { example: { use: tailgate-plugin-example, ... } }`. It adds a
// log source (`example.files`: lines appended to files of a directory) and an authorizer
// (`example.restricted`: some targets only for some groups). See docs/plugins.md.
import { definePlugin, z } from '@tailgate/plugin-sdk';

import { appendedLinesSource } from './appended-lines-source';
import { restrictedTargetsAuthorizer, RestrictionSchema } from './restricted-targets-authorizer';

export const ExampleConfigSchema = z.strictObject({
  directory: z.string().startsWith('/', 'must be an absolute path').describe('Directory whose `<file>.log` files `example.files` follows.'),
  namespace: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/)
    .default('files')
    .describe('Namespace the files appear under, to clients and authorizers. Default `files`.'),
  pollIntervalMs: z
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(250)
    .describe('How often a followed file is checked for new lines. Default 250.'),
  restricted: z.array(RestrictionSchema).default([]).describe('Targets only some groups may read (`example.restricted`). Default none.'),
});
export type ExampleConfig = z.output<typeof ExampleConfigSchema>;

export default definePlugin({
  id: 'example',
  description: 'Follows lines appended to files of a directory, and keeps some targets to some groups.',
  configSchema: ExampleConfigSchema,
  register(ctx) {
    const { directory, namespace, pollIntervalMs, restricted } = ctx.config;
    ctx.addLogSource(appendedLinesSource({ directory, namespace, pollIntervalMs }));
    ctx.addAuthorizer(restrictedTargetsAuthorizer(restricted));
  },
});
