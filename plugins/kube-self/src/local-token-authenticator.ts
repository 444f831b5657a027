// Desktop-mode authenticator: one local bearer token (from config, shared with the user's own
// browser or CLI) stands for the kubeconfig user. Tokens are compared as SHA-256 digests in
// constant time, so neither timing nor a length check reveals the configured token.
import { createHash, timingSafeEqual } from 'node:crypto';

import type { AuthenticationResult, Authenticator, Credentials } from '@tailgate/plugin-sdk';

import type { SelfIdentity } from './self-identity';

export const NOT_LOCAL_TOKEN = 'not the local token';

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export class LocalTokenAuthenticator implements Authenticator {
  readonly name = 'local-token';
  private readonly expected: Buffer;

  constructor(
    token: string,
    private readonly identity: SelfIdentity,
  ) {
    this.expected = digest(token);
  }

  async authenticate(credentials: Credentials): Promise<AuthenticationResult> {
    if (!timingSafeEqual(digest(credentials.token), this.expected)) return { ok: false, reason: NOT_LOCAL_TOKEN };
    return { ok: true, subject: await this.identity.subject() };
  }
}
