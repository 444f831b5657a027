import { describe, expect, it } from 'vitest';

import { readAck, readConnectError, readServerEvent } from './server-message';
import { TailgateError } from './tailgate-error';

const record = { ts: '2026-01-01T00:00:00Z', ns: 'n', pod: 'p', container: 'c', stream: 'stdout', line: 'x', cursor: '1' };

describe('readServerEvent', () => {
  it('parses a known event', () => {
    expect(readServerEvent('records', { sub: 's', batch: [record] })).toEqual({ name: 'records', event: { sub: 's', batch: [record] } });
    expect(readServerEvent('ended', { sub: 's', reason: 'shutdown' })).toEqual({ name: 'ended', event: { sub: 's', reason: 'shutdown' } });
  });

  it('calls malformed a known event with an unknown field, a wrong type or a missing field', () => {
    expect(readServerEvent('records', { sub: 's', batch: [{ ...record, secret: 'x' }] })).toBe('malformed');
    expect(readServerEvent('hidden', { sub: 's', count: '1' })).toBe('malformed');
    expect(readServerEvent('ended', { sub: 's' })).toBe('malformed');
    expect(readServerEvent('ended', { sub: 's', reason: 'bored' })).toBe('malformed');
  });

  it('ignores an event it does not know, including inherited names', () => {
    expect(readServerEvent('news', {})).toBe('ignored');
    expect(readServerEvent('toString', {})).toBe('ignored');
  });
});

describe('readAck', () => {
  it('returns the success, or the error as a TailgateError with code and details', () => {
    expect(readAck('subscribe', { ok: true, id: 'x', scope: [] })).toEqual({ ok: true, id: 'x', scope: [] });
    const error = readAck('subscribe', {
      ok: false,
      error: { code: 'quota_exceeded', message: 'too many', details: { limit: 'subscriptions', scope: 'user', max: 1 } },
    });
    expect(error).toBeInstanceOf(TailgateError);
    expect(error).toMatchObject({
      code: 'quota_exceeded',
      message: 'too many',
      details: { limit: 'subscriptions', scope: 'user', max: 1 },
    });
  });

  it('calls malformed what is neither', () => {
    expect(readAck('unsubscribe', { ok: true, extra: 1 })).toBe('malformed');
    expect(readAck('sources.list', { ok: false, error: { code: 'teapot', message: 'x' } })).toBe('malformed');
    expect(readAck('sources.list', undefined)).toBe('malformed');
  });
});

describe('readConnectError', () => {
  it("uses the server's code, connection_failed without data, internal for malformed data", () => {
    const refused = Object.assign(new Error('x'), { data: { code: 'rate_limited', message: 'slow down' } });
    expect(readConnectError(refused)).toMatchObject({ code: 'rate_limited', message: 'slow down' });
    expect(readConnectError(new Error('websocket error'))).toMatchObject({ code: 'connection_failed' });
    expect(readConnectError(Object.assign(new Error('x'), { data: { code: 'forbidden', message: 'x' } }))).toMatchObject({
      code: 'internal',
    });
  });

  it('does not repeat the transport error text', () => {
    expect(readConnectError(new Error('secret-token-in-url')).message).not.toContain('secret');
  });
});
