// Backlogs end to end through the real socket.io-client: a backlog is sent as the client reads it,
// whole and in order for a client that reads; a client that stops reading is disconnected after
// `streams.drainTimeoutMs` (docs/protocol.md "Backlogs and slow clients"); a `since` or `tail`
// beyond the maximum window is refused with `invalid_request`, naming the limit.
import { encodeCriLine } from '@tailgate/cri-logs/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { SubscriptionService } from '../../apps/gateway/src/streams/subscription.service';
import type { LogClient } from './support/log-client';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

const CHECKOUT = { source: 'node-file.pods', selector: { namespace: 'team-a', pod: 'checkout-api' } };
/** About 1 KB a line: 8 MB in all, more than the kernel buffers of one loopback connection hold. */
const LINES = 8_000;
const PAD = 'x'.repeat(1_000);
const lineOf = (seq: number): string => `seq=${String(seq).padStart(6, '0')} ${PAD}`;
const DRAIN_TIMEOUT_MS = 1_000;
const MAX_TAIL = 100;

describe('backlogs', () => {
  let demo: DemoGateway;
  const webSocketOf = (client: LogClient) => (client.socket.io.engine.transport as unknown as { ws: { pause(): void; resume(): void } }).ws;
  const serverSocketIds = () =>
    demo.gateway.app
      .get(SubscriptionService)
      .sockets()
      .map((socket) => socket.id);

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS, undefined, {
      listenerBufferBytes: 64 * 1024,
      drainTimeoutMs: DRAIN_TIMEOUT_MS,
      maxBacklogTail: MAX_TAIL,
    });
    const writer = demo.writers.get('checkout-api')!;
    for (let start = 0; start < LINES; start += 500) {
      await writer.writeRaw(Buffer.concat(Array.from({ length: 500 }, (_, i) => encodeCriLine(lineOf(start + i)))));
    }
  });
  afterEach(() => demo.closeClients());
  afterAll(async () => {
    await demo.stop();
  });

  it('sends a reading client its whole backlog in order, and disconnects one that stops reading after drainTimeoutMs', async () => {
    const reader = await demo.connect('alice');
    const stalled = await demo.connect('alice');
    const stalledId = stalled.socket.id;
    stalled.emitWithoutAck('subscribe', { ...CHECKOUT, since: '1h', follow: false });
    webSocketOf(stalled).pause();
    expect((await reader.subscribe({ ...CHECKOUT, since: '1h', follow: false })).ok).toBe(true);

    await reader.waitFor(() => reader.ended.length === 1, 'the end of the backlog', 20_000);
    expect(reader.lines()).toEqual(['before anyone listened', ...Array.from({ length: LINES }, (_, i) => lineOf(i))]);
    expect(reader.ended[0]?.reason).toBe('complete');
    expect(reader.dropped).toEqual([]);

    await expect.poll(() => demo.metric('tailgate_stalled_disconnects_total'), { timeout: 10_000 }).toBe(1);
    expect(serverSocketIds()).not.toContain(stalledId);
    expect(serverSocketIds()).toContain(reader.socket.id);
    // Reading again, the client learns the server closed the connection.
    const reason = new Promise<string>((resolve) => stalled.socket.once('disconnect', resolve));
    webSocketOf(stalled).resume();
    expect(await reason).toBe('io server disconnect');
    expect(stalled.records.length).toBeLessThan(LINES);
  });

  it('refuses a since further back than the maximum window, and a tail larger than the maximum, naming the limit', async () => {
    const client = await demo.connect('alice');
    expect(await client.subscribe({ ...CHECKOUT, since: '25h', follow: false })).toEqual({
      ok: false,
      error: {
        code: 'invalid_request',
        message: 'source node-file.pods serves a since at most 86400 s back',
        details: { maxSinceMs: 86_400_000 },
      },
    });
    expect(await client.subscribe({ ...CHECKOUT, tail: MAX_TAIL + 1, follow: false })).toEqual({
      ok: false,
      error: {
        code: 'invalid_request',
        message: `source node-file.pods serves a tail of at most ${MAX_TAIL} records per target`,
        details: { maxTail: MAX_TAIL },
      },
    });
    expect((await client.subscribe({ ...CHECKOUT, tail: MAX_TAIL, follow: false })).ok).toBe(true);
    await client.waitFor(() => client.ended.length === 1, 'the end of the tail');
    expect(client.records).toHaveLength(MAX_TAIL);
  });
});
