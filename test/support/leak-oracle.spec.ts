import { describe, expect, it } from 'vitest';

import { checkAck, checkConnectError, checkServerEvent, SEES_EVERYTHING, seesPods } from './leak-oracle';

const record = {
  ts: '2026-12-03T10:00:00.000000001Z',
  ns: 'team-a',
  pod: 'api',
  container: 'c',
  stream: 'stdout',
  line: 'hello',
  cursor: '1-1',
};
const target = { ns: 'team-a', pod: 'api', container: 'c' };
const bob = seesPods(['team-b/web'], () => ['payments secret']);

describe('the leak oracle', () => {
  it('passes events exactly as the contract has them', () => {
    expect(checkServerEvent('records', { sub: 's', batch: [record] }, SEES_EVERYTHING)).toBeUndefined();
    expect(checkServerEvent('denied', { sub: 's', target, reason: 'forbidden' }, bob)).toBeUndefined();
    expect(checkServerEvent('hidden', { sub: 's', count: 2 }, bob)).toBeUndefined();
    expect(checkServerEvent('gap', { sub: 's', reason: 'takeover' }, bob)).toBeUndefined();
    expect(checkAck('subscribe', { ok: true, id: 's', scope: [{ ns: 'team-b' }] }, bob)).toBeUndefined();
    expect(checkConnectError({ code: 'unauthenticated', message: 'a valid bearer token is required' }, bob)).toBeUndefined();
  });

  it('fails a denied event that carries a record where its target belongs', () => {
    expect(checkServerEvent('denied', { sub: 's', target: record, reason: 'forbidden' }, bob)).toMatch(/does not match the contract/);
  });

  it('fails an unknown key anywhere, an unknown event and a free-text denied reason', () => {
    expect(checkServerEvent('records', { sub: 's', batch: [{ ...record, extra: 1 }] }, SEES_EVERYTHING)).toMatch(/contract/);
    expect(checkServerEvent('ended', { sub: 's', reason: 'complete', why: 'x' }, SEES_EVERYTHING)).toMatch(/contract/);
    expect(checkServerEvent('debug', {}, SEES_EVERYTHING)).toMatch(/unknown server event/);
    expect(checkServerEvent('denied', { sub: 's', target, reason: 'pod label rbac/policy is deny' }, bob)).toMatch(/contract/);
    expect(checkAck('unsubscribe', { ok: true, leaked: 'x' }, bob)).toMatch(/contract/);
  });

  it('fails records, targets and gap counts of a target the listener may not read', () => {
    expect(checkServerEvent('records', { sub: 's', batch: [record] }, bob)).toMatch(/team-a\/api\/c/);
    expect(checkServerEvent('target', { sub: 's', op: 'added', target }, bob)).toMatch(/may not read/);
    expect(checkServerEvent('gap', { sub: 's', reason: 'takeover', missed: [{ target, count: 1 }] }, bob)).toMatch(/may not read/);
  });

  it("fails any payload that carries a forbidden target's secret, error messages included", () => {
    const error = { ok: false, error: { code: 'invalid_request', message: 'bad: payments secret' } };
    expect(checkAck('subscribe', error, bob)).toMatch(/payments secret/);
    expect(checkConnectError({ code: 'internal', message: 'payments secret' }, bob)).toMatch(/payments secret/);
  });
});
