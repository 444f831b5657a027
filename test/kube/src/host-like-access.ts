// The host's decision cache in front of one authorizer, keyed as AccessService keys it
// (subject fingerprint + request), so cost tests measure what the gateway would send.
import type { AccessRequest, Authorizer, Decision } from '@tailgate/plugin-sdk';
import { silentLogger } from '@tailgate/plugin-sdk';

import { subjectFingerprint } from '../../../apps/gateway/src/access/access.service';
import { DecisionCache } from '../../../apps/gateway/src/access/decision-cache';

export function askThroughHostCache(authorizer: Authorizer, ttlMs = 30_000): (request: AccessRequest) => Promise<Decision> {
  const cache = new DecisionCache<Decision>(ttlMs, 10_000);
  return (request) => {
    const { subject, ...rest } = request;
    const compute = async () => ({
      value: await authorizer.authorize(request, { signal: new AbortController().signal, logger: silentLogger }),
      cacheable: true,
    });
    return cache.get(`${subjectFingerprint(subject)}|${JSON.stringify(rest)}`, compute);
  };
}
