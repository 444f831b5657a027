// Looks tokens up by their SHA-256 digest, so no lookup compares secrets byte by byte.
import { createHash } from 'node:crypto';

import type { AuthenticationResult, Authenticator, Credentials } from '@tailgate/plugin-sdk';

import type { TokenEntry } from './token-file';

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

export class StaticTokenAuthenticator implements Authenticator {
  readonly name = 'tokens';
  private readonly byDigest: ReadonlyMap<string, TokenEntry>;

  constructor(entries: readonly TokenEntry[]) {
    this.byDigest = new Map(entries.map((entry) => [digest(entry.token), entry]));
  }

  authenticate(credentials: Credentials): Promise<AuthenticationResult> {
    const entry = this.byDigest.get(digest(credentials.token));
    return Promise.resolve(entry ? { ok: true, subject: entry.subject } : { ok: false, reason: 'token not in the token file' });
  }
}
