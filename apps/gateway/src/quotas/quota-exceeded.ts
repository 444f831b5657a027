// The `quota_exceeded` error a refused subscribe gets: the message names the limit (never a
// user, tenant or token), the details carry it for programs.
import { RequestError } from '../model/request-error';
import type { QuotaLimitKind, QuotaRefusal } from './quota-store';

const WHAT: Readonly<Record<QuotaLimitKind, string>> = {
  subscriptions: 'concurrent subscriptions',
  streams: 'distinct streams',
  subscribeRate: 'subscribe requests per minute',
};

export function quotaExceeded(refusal: QuotaRefusal): RequestError {
  const { limit, scope, max, retryAfterMs } = refusal;
  const retry = retryAfterMs === undefined ? '' : `; retry in ${retryAfterMs} ms`;
  return new RequestError('quota_exceeded', `quota exceeded: at most ${max} ${WHAT[limit]} per ${scope}${retry}`, {
    limit,
    scope,
    max,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}
