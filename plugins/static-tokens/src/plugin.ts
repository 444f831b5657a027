// Static bearer tokens from a kube-apiserver `--token-auth-file` CSV: for the demo and desktop use.
import { readFileSync } from 'node:fs';

import { definePlugin, PluginConfigError } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { StaticTokenAuthenticator } from './static-token-authenticator';
import { parseTokenFile } from './token-file';

export const StaticTokensConfigSchema = z.strictObject({
  file: z.string().min(1).describe('Path of the token file: `token,user,uid[,"group1,group2"]` per line.'),
});
export type StaticTokensConfig = z.output<typeof StaticTokensConfigSchema>;

export const staticTokensPlugin = definePlugin({
  id: 'static-tokens',
  description: 'Authenticates bearer tokens listed in a kube-apiserver token file.',
  configSchema: StaticTokensConfigSchema,
  register(ctx) {
    let text: string;
    try {
      text = readFileSync(ctx.config.file, 'utf8');
    } catch (error) {
      throw new PluginConfigError(`token file ${ctx.config.file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const parsed = parseTokenFile(text);
    if (!parsed.ok) throw new PluginConfigError(`token file ${ctx.config.file}: ${parsed.problems.join('; ')}`);
    ctx.addAuthenticator(new StaticTokenAuthenticator(parsed.entries));
    ctx.logger.info({ users: parsed.entries.length }, 'static tokens loaded');
  },
});
