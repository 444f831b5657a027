// Browser origins against `server.corsOrigins`, on every transport: a page on another site that
// holds a token must not open a session, over WebSocket (where CORS never applies) or polling.
import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectError, LogClient } from './support/log-client';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

const ALLOWED = 'https://logs.example';

/** How a raw socket.io-client connection on `transport` ends: connected, or the connect_error it got. */
function attempt(url: string, transport: 'polling' | 'websocket', token: string, origin: string): Promise<string> {
  const socket = io(url, { transports: [transport], forceNew: true, reconnection: false, auth: { token }, extraHeaders: { origin } });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error) => resolve(`refused: ${error.message}`));
  }).finally(() => socket.close()) as Promise<string>;
}

describe.each([
  ['the empty default', [] as string[]],
  [`an allow-list of ${ALLOWED}`, [ALLOWED]],
])('WebSocket and polling handshakes with %s', (_, corsOrigins) => {
  let demo: DemoGateway;

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS, undefined, {}, undefined, { corsOrigins });
  });
  afterAll(() => demo.stop());

  it.each(['https://evil.example', 'null', `${ALLOWED}.evil.example`, `${ALLOWED}, https://evil.example`])(
    'refuses a browser page on %s holding a valid token, before any session exists',
    async (origin) => {
      const error = await connectError(demo.gateway.url, { token: demo.world.tokens.alice, headers: { origin } });
      expect(error.message).toBe('websocket error');
      expect(error.data).toBeUndefined();
      const logs = `${demo.gateway.url}/logs`;
      expect(await attempt(logs, 'polling', demo.world.tokens.alice as string, origin)).toBe('refused: xhr poll error');
      expect(await demo.metric('tailgate_connections_refused_total', 'reason="origin"')).toBeGreaterThanOrEqual(2);
      expect(demo.log()).not.toContain('client connected');
    },
  );

  it('lets a client that sends no Origin (a CLI, a server) connect and subscribe', async () => {
    const client = await LogClient.connect(demo.gateway.url, { token: demo.world.tokens.alice, sees: demo.sees('alice') });
    expect((await client.subscribe({ source: 'node-file.pods', selector: { namespace: 'team-a' } })).ok).toBe(true);
    client.close();
  });

  it(`${corsOrigins.length === 0 ? 'refuses' : 'allows'} ${ALLOWED} on both transports`, async () => {
    const expected = corsOrigins.length === 0 ? ['refused: websocket error', 'refused: xhr poll error'] : ['connected', 'connected'];
    const logs = `${demo.gateway.url}/logs`;
    const token = demo.world.tokens.alice as string;
    expect([await attempt(logs, 'websocket', token, ALLOWED), await attempt(logs, 'polling', token, ALLOWED)]).toEqual(expected);
  });

  it('refuses a socket on the main namespace, which serves nothing and authenticates no one, valid token or not', async () => {
    const socket = io(demo.gateway.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: demo.world.tokens.alice },
    });
    const error = await new Promise<Error & { data?: unknown }>((resolve) => socket.once('connect_error', resolve));
    socket.close();
    expect(error.data).toEqual({ code: 'invalid_request', message: 'connect to the /logs namespace' });
  });
});
