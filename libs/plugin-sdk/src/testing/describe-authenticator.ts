// Conformance suite every authenticator passes: valid credentials give a subject, anything
// else is refused without throwing, and no answer ever repeats the token.
import { describe, expect, it } from 'vitest';

import type { Authenticator } from '../authenticator';
import { silentLogger } from '../plugin-logger';

export interface AuthenticatorFixture {
  readonly authenticator: Authenticator;
  /** A token this authenticator accepts, and the user it belongs to. */
  readonly valid: { readonly token: string; readonly user: string };
  /** Tokens it must refuse besides the generic bad ones (expired, revoked, …). */
  readonly invalidTokens?: readonly string[];
}

const BAD_TOKENS = ['definitely-not-a-token', ' ', 'x'.repeat(8192), 'a,b,c', '\u0000', 'Bearer x'];

export function describeAuthenticator(name: string, makeFixture: () => Promise<AuthenticatorFixture>): void {
  const ctx = () => ({ signal: new AbortController().signal, logger: silentLogger });

  describe(`Authenticator conformance: ${name}`, () => {
    it('accepts its valid token as a subject with a user and a list of groups', async () => {
      const { authenticator, valid } = await makeFixture();
      const result = await authenticator.authenticate({ token: valid.token }, ctx());
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.subject.user).toBe(valid.user);
      expect(Array.isArray(result.subject.groups)).toBe(true);
    });

    it('refuses other tokens without throwing and without repeating them', async () => {
      const { authenticator, valid, invalidTokens = [] } = await makeFixture();
      for (const token of [...BAD_TOKENS, ...invalidTokens, `${valid.token}x`, valid.token.slice(1)]) {
        const result = await authenticator.authenticate({ token }, ctx());
        expect(result.ok, 'a bad token was accepted').toBe(false);
        if (!result.ok && token.trim().length > 3) expect(result.reason).not.toContain(token);
      }
    });
  });
}
