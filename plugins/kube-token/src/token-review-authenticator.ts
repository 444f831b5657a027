// Authenticates bearer tokens with a TokenReview. Answers are cached by the token's SHA-256
// digest (never the token), successes never past the token's expiry, refusals briefly;
// apiserver errors are thrown and never cached. Concurrent reviews of one token are coalesced.
import { createHash } from 'node:crypto';

import type { KubeApi } from '@tailgate/kube';
import {
  type AuthenticateContext,
  type AuthenticationResult,
  type Authenticator,
  type Credentials,
  ExpiringCache,
  type Subject,
} from '@tailgate/plugin-sdk';

import { cacheUntil, tokenExpiry } from './cache-expiry';
import { jwtExpiry } from './jwt-expiry';

export interface TokenReviewSettings {
  readonly audiences: readonly string[];
  readonly cacheTtlMs: number;
  readonly failureCacheTtlMs: number;
  readonly maxCachedTokens: number;
}

export const REFUSED = 'kube-apiserver did not authenticate the token';
export const EMPTY = 'empty token';

export class TokenReviewAuthenticator implements Authenticator {
  readonly name = 'token-review';
  private readonly cache: ExpiringCache<AuthenticationResult>;
  private readonly inflight = new Map<string, Promise<AuthenticationResult>>();

  constructor(
    private readonly kube: KubeApi,
    private readonly settings: TokenReviewSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.cache = new ExpiringCache(settings.maxCachedTokens, now);
  }

  async authenticate(credentials: Credentials, ctx: AuthenticateContext): Promise<AuthenticationResult> {
    const token = credentials.token.trim();
    if (token === '') return { ok: false, reason: EMPTY };
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = this.cache.get(key);
    if (cached) return cached;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.review(token, key, ctx).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async review(token: string, key: string, ctx: AuthenticateContext): Promise<AuthenticationResult> {
    const review = await this.kube.tokenReview(token, this.settings.audiences, { signal: ctx.signal });
    const now = this.now();
    if (!review.authenticated) {
      const refused: AuthenticationResult = { ok: false, reason: REFUSED };
      this.cache.set(key, refused, now + this.settings.failureCacheTtlMs);
      return refused;
    }
    const expiry = { reviewExpiry: review.expiresAt, jwtExpiry: jwtExpiry(token) };
    const expiresAt = tokenExpiry(expiry);
    if (expiresAt !== undefined && expiresAt.getTime() <= now) return { ok: false, reason: 'token has expired' };
    const { username, groups, uid, extra } = review.user;
    const subject: Subject = { user: username, groups, ...(uid ? { uid } : {}), ...(extra ? { extra } : {}) };
    const result: AuthenticationResult = { ok: true, subject, ...(expiresAt ? { expiresAt } : {}) };
    this.cache.set(key, result, cacheUntil({ ...expiry, now, cacheTtlMs: this.settings.cacheTtlMs }));
    return result;
  }
}
