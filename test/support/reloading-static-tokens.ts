// A stand-in for the bundled static-tokens plugin (same id and configuration) that reads its token
// file on every authentication, so a suite can revoke a token by rewriting the file and watch the
// gateway's session re-check end the connections that used it.
import { readFileSync } from 'node:fs';

import { parseTokenFile, StaticTokenAuthenticator, StaticTokensConfigSchema } from '@tailgate/plugin-static-tokens';
import { type AuthenticationResult, definePlugin, type Plugin } from '@tailgate/plugin-sdk';

export const reloadingStaticTokensPlugin: Plugin<unknown> = definePlugin({
  id: 'static-tokens',
  description: 'Static bearer tokens, re-read from the token file for every authentication (tests only).',
  configSchema: StaticTokensConfigSchema,
  register(ctx) {
    ctx.addAuthenticator({
      name: 'tokens',
      authenticate(credentials): Promise<AuthenticationResult> {
        const parsed = parseTokenFile(readFileSync(ctx.config.file, 'utf8'));
        if (!parsed.ok) return Promise.resolve({ ok: false, reason: 'the token file does not parse' });
        return new StaticTokenAuthenticator(parsed.entries).authenticate(credentials);
      },
    });
  },
});
