import { TailgateError } from '@tailgate/client';
import { describe, expect, it } from 'vitest';

import { describeError, endNotice, noticeFor } from './notices';

const target = { ns: 'team-b', pod: 'billing-api', container: 'api' };

describe('notices', () => {
  it('prints one line per event that is not a log line', () => {
    expect(noticeFor({ type: 'denied', target, reason: 'forbidden' })).toBe('tailgate: denied team-b/billing-api/api (forbidden)\n');
    expect(noticeFor({ type: 'hidden', count: 3 })).toBe('tailgate: 3 containers hidden (not permitted)\n');
    expect(noticeFor({ type: 'dropped', count: 12, by: 'server' })).toBe('tailgate: 12 records dropped (slow reader)\n');
    expect(noticeFor({ type: 'dropped', count: 1, by: 'client' })).toBe('tailgate: 1 record dropped (client buffer full)\n');
    expect(noticeFor({ type: 'gap', reason: 'bus_interrupted' })).toBe('tailgate: gap (bus_interrupted)\n');
    expect(noticeFor({ type: 'gap', reason: 'takeover', missed: [{ target, count: 5 }] })).toBe(
      'tailgate: gap (takeover): 5 records of team-b/billing-api/api missed\n',
    );
    expect(noticeFor({ type: 'reconnecting', attempt: 2 })).toBe('tailgate: connection lost, reconnecting (attempt 2)\n');
    expect(noticeFor({ type: 'records', records: [] })).toBeUndefined();
  });

  it('spells out quota errors with their details', () => {
    expect(describeError(new TailgateError('quota_exceeded', 'quota exceeded', { limit: 'subscriptions', scope: 'user', max: 2 }))).toBe(
      'quota exceeded: subscriptions per user, max 2',
    );
    expect(
      describeError(
        new TailgateError('quota_exceeded', 'quota exceeded', { limit: 'subscribeRate', scope: 'tenant', max: 60, retryAfterMs: 1500 }),
      ),
    ).toBe('quota exceeded: subscribeRate per tenant, max 60 per minute; retry in 2s');
  });

  it('explains limits refused as invalid requests', () => {
    expect(describeError(new TailgateError('invalid_request', 'since too far back', { maxSinceMs: 3_600_000 }))).toBe(
      '--since reaches back further than the server allows (3600s)',
    );
    expect(
      describeError(
        new TailgateError('invalid_request', 'bad selector', { issues: [{ path: ['selector', 'pod'], message: 'not a name' }] }),
      ),
    ).toBe('invalid request: bad selector (selector.pod: not a name)');
  });

  it('says nothing about a normal end, and why otherwise', () => {
    expect(endNotice('complete')).toBeUndefined();
    expect(endNotice('access_revoked')).toBe('stream ended: access revoked');
  });
});
