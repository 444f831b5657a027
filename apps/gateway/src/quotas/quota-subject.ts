// Who a quota counts against: the authenticated user and, when the configuration derives one
// from the subject, its tenant — never anything the client sends. Names are hashed, so store
// keys name no one, and every key of one subject shares one hash tag (one Redis Cluster slot).
import { createHash } from 'node:crypto';

import type { QuotaLimits, QuotasConfig, TenantFrom } from '@tailgate/config';
import type { Subject } from '@tailgate/plugin-sdk';

export type QuotaScopeKind = 'user' | 'tenant';

export interface RateLimit {
  readonly perMinute: number;
  /** Tokens a full bucket holds: requests that may come at once. */
  readonly burst: number;
}

/** Unset limits are unlimited. */
export interface ScopeLimits {
  readonly maxSubscriptions?: number;
  readonly maxStreams?: number;
  readonly rate?: RateLimit;
}

export interface QuotaScope {
  readonly kind: QuotaScopeKind;
  /** `user:<16 hex>` or `tenant:<16 hex>`: stable, and names no one. */
  readonly key: string;
  readonly limits: ScopeLimits;
}

export interface QuotaSubject {
  /** The tenant's hash, or the user's when there is no tenant: the hash tag of every key of this subject. */
  readonly tag: string;
  /** The user first, then the tenant when there is one with any limit. */
  readonly scopes: readonly QuotaScope[];
}

const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):[^:]+$/;

/** The subject's tenant as the configuration derives it, or undefined. */
export function tenantOf(subject: Subject, from: TenantFrom): string | undefined {
  switch (from.kind) {
    case 'none':
      return undefined;
    case 'group-prefix': {
      const group = subject.groups.find((g) => g.startsWith(from.prefix) && g.length > from.prefix.length);
      return group?.slice(from.prefix.length);
    }
    case 'service-account-namespace':
      return SERVICE_ACCOUNT.exec(subject.user)?.[1];
  }
}

export function quotaSubjectOf(subject: Subject, config: QuotasConfig): QuotaSubject {
  const user = scopeOf('user', subject.user, { ...config.user, ...config.users[subject.user] });
  const tenantName = tenantOf(subject, config.tenantFrom);
  if (tenantName === undefined) return { tag: hashOf('user', subject.user), scopes: [user] };
  const tenant = scopeOf('tenant', tenantName, { ...config.tenant, ...config.tenants[tenantName] });
  const limited = Object.keys(tenant.limits).length > 0;
  return { tag: hashOf('tenant', tenantName), scopes: limited ? [user, tenant] : [user] };
}

function scopeOf(kind: QuotaScopeKind, name: string, limits: QuotaLimits): QuotaScope {
  const { maxSubscriptions, maxStreams, subscribesPerMinute, subscribeBurst } = limits;
  return {
    kind,
    key: `${kind}:${hashOf(kind, name)}`,
    limits: {
      ...(maxSubscriptions !== undefined && { maxSubscriptions }),
      ...(maxStreams !== undefined && { maxStreams }),
      ...(subscribesPerMinute !== undefined && { rate: { perMinute: subscribesPerMinute, burst: subscribeBurst ?? subscribesPerMinute } }),
    },
  };
}

function hashOf(kind: QuotaScopeKind, name: string): string {
  return createHash('sha1').update(`${kind}\0${name}`, 'utf8').digest('hex').slice(0, 16);
}

/** The scopes with a subscribe rate, each with its rate. */
export function rateLimitedScopes(subject: QuotaSubject): { readonly scope: QuotaScope; readonly rate: RateLimit }[] {
  return subject.scopes.flatMap((scope) => (scope.limits.rate ? [{ scope, rate: scope.limits.rate }] : []));
}
