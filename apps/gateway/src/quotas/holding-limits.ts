// Whether one more subscription fits a scope's subscriptions and streams limits, pure. The
// in-memory store calls it; the Redis store's acquire script applies the same rule.
import type { QuotaRefusal } from './quota-store';
import type { QuotaScope } from './quota-subject';

export interface ScopeUsage {
  readonly subscriptions: number;
  readonly streams: number;
  /** Whether the scope holds the requested stream already (then it is no new stream). */
  readonly holdsStream: boolean;
}

export function holdingRefusal(scope: QuotaScope, usage: ScopeUsage): QuotaRefusal | undefined {
  const { maxSubscriptions, maxStreams } = scope.limits;
  if (maxSubscriptions !== undefined && usage.subscriptions + 1 > maxSubscriptions) {
    return { limit: 'subscriptions', scope: scope.kind, max: maxSubscriptions };
  }
  if (maxStreams !== undefined && !usage.holdsStream && usage.streams + 1 > maxStreams) {
    return { limit: 'streams', scope: scope.kind, max: maxStreams };
  }
  return undefined;
}
