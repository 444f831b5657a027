// Where quota counts live: in memory for one replica, in Redis for several. Both keep the same
// promises, checked by one conformance suite (testing/describe-quota-store.ts).
import type { QuotaScopeKind, QuotaSubject } from './quota-subject';

export type QuotaLimitKind = 'subscriptions' | 'streams' | 'subscribeRate';

/** Which limit refused a request; `max` is the limit itself (per minute for the rate). */
export interface QuotaRefusal {
  readonly limit: QuotaLimitKind;
  readonly scope: QuotaScopeKind;
  readonly max: number;
  /** Rate refusals only: how long until a request would be let through again. */
  readonly retryAfterMs?: number;
}

export type QuotaVerdict = { readonly ok: true } | { readonly ok: false; readonly refusal: QuotaRefusal };

export interface QuotaStore {
  /** Counts one subscribe request against every rate-limited scope; refused when one has no whole token. */
  takeSubscribeToken(subject: QuotaSubject): Promise<QuotaVerdict>;
  /**
   * Holds one subscription to `streamId` in every scope of the subject, or nothing when a scope
   * would go over its subscriptions or streams limit (a stream the scope holds already is no new stream).
   */
  acquire(subject: QuotaSubject, streamId: string): Promise<QuotaVerdict>;
  /** Gives back one holding this store acquired; giving back what it does not hold changes nothing. */
  release(subject: QuotaSubject, streamId: string): Promise<void>;
  /** Gives back everything this store holds and closes its connections. */
  close(): Promise<void>;
}

export const ALLOWED: QuotaVerdict = { ok: true };

export function refused(refusal: QuotaRefusal): QuotaVerdict {
  return { ok: false, refusal };
}
