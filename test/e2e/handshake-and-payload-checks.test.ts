// What the gateway refuses at its edge, through the real socket.io-client: an unsupported
// protocol version in the handshake, payloads nested too deep for any schema, `since` values
// that are not RFC 3339 date-times with a zone or durations with a unit, and unknown events.
// Each is answered with invalid_request, and the connection stays usable.
import { LIMITS, PROTOCOL_VERSION } from '@tailgate/contracts';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { emitRawFrame, nestedJson } from '../support/raw-frame';
import type { LogClient } from './support/log-client';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

/** An RFC 3339 date-time a minute ago, written in +01:00. */
function minuteAgoInPlusOne(): string {
  return new Date(Date.now() - 60_000 + 3_600_000).toISOString().replace('Z', '+01:00');
}

describe('handshake and payload checks', () => {
  let demo: DemoGateway;
  let alice: LogClient;

  /** How a connection with this `auth` ends: `connected`, or its connect_error data. */
  const handshake = (auth: Record<string, unknown>): Promise<unknown> => {
    const socket = io(`${demo.gateway.url}/logs`, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
    return new Promise<unknown>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error: Error & { data?: unknown }) => resolve(error.data));
    }).finally(() => socket.close());
  };

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS);
    alice = await demo.connect('alice');
  });
  afterAll(async () => {
    alice.close();
    await demo.stop();
  });

  it.each([2, 0, '1', null])('refuses auth.protocol %j with invalid_request, whatever the token', async (protocol) => {
    expect(await handshake({ token: demo.world.tokens.alice, protocol })).toEqual({
      code: 'invalid_request',
      message: `unsupported protocol version; this server speaks ${PROTOCOL_VERSION}`,
    });
    expect(demo.log()).toContain('"reason":"handshake"');
  });

  it('accepts the protocol version it speaks, and a handshake that names none', async () => {
    expect(await handshake({ token: demo.world.tokens.alice, protocol: PROTOCOL_VERSION })).toBe('connected');
    expect(await handshake({ token: demo.world.tokens.alice })).toBe('connected');
  });

  it('refuses a token that is not a string with invalid_request, never echoing it', async () => {
    expect(await handshake({ token: { value: 'not-a-string-token' } })).toEqual({
      code: 'invalid_request',
      message: 'malformed handshake auth',
    });
    expect(demo.log()).not.toContain('not-a-string-token');
  });

  it('answers a selector nested 5,000 levels deep with invalid_request, not internal, and stays usable', async () => {
    const subscribe = `{"source":"node-file.pods","selector":${nestedJson(5_000)}}`;
    expect(await emitRawFrame(alice.socket, 'subscribe', [subscribe])).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: `request nested deeper than ${LIMITS.maxPayloadDepth} levels` },
    });
    expect(await emitRawFrame(alice.socket, 'unsubscribe', [`{"id":${nestedJson(5_000)}}`])).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    expect(await alice.emitRaw('sources.list')).toMatchObject({ ok: true });
  });

  it.each(['5', '5\u0000m', '2026-02-30T00:00:00Z', '2026-12-01', '2026-12-01T00:00:00', 'Tue, 01 Dec 2026 00:00:00 GMT'])(
    'refuses since %j with invalid_request instead of reading a backlog',
    async (since) => {
      const ack = await alice.subscribe({ source: 'node-file.pods', selector: { namespace: 'team-a' }, since, follow: false });
      expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_request', details: { issues: [{ path: 'since' }] } } });
      expect(alice.records).toEqual([]);
    },
  );

  it('reads a backlog since an RFC 3339 date-time with a zone, and since a duration', async () => {
    for (const since of [minuteAgoInPlusOne(), '1h']) {
      const ack = await alice.subscribe({
        source: 'node-file.pods',
        selector: { namespace: 'team-a', pod: 'checkout-api' },
        since,
        follow: false,
      });
      expect(ack.ok).toBe(true);
      await alice.waitFor(() => alice.ended.length > 0, 'the backlog to end');
      expect(alice.lines()).toContain('before anyone listened');
      alice.records.length = 0;
      alice.ended.length = 0;
    }
  });

  it.each(['subscribe ', '__proto__', 'toString', 'records', 'hasOwnProperty'])(
    'answers the unknown event %j with invalid_request instead of leaving the acknowledgement unanswered',
    async (event) => {
      expect(await alice.emitRaw(event, {})).toEqual({
        ok: false,
        error: { code: 'invalid_request', message: 'unknown event; the requests are subscribe, unsubscribe, sources.list' },
      });
      expect(alice.socket.connected).toBe(true);
    },
  );
});
