// Backpressure end to end through the real socket.io-client: a client that stops reading (its
// WebSocket paused, so the kernel buffers fill and then the server's) falls into its slow lane
// while a fast client on the same stream gets every record; the server holds at most its cap for
// it; once it reads again it gets what the lane kept, `dropped` exactly where records are missing.
import type { DroppedEvent } from '@tailgate/contracts';
import { encodeCriLine } from '@tailgate/cri-logs/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { outstandingBytes } from '../../apps/gateway/src/wire/outstanding-bytes';
import { SubscriptionService } from '../../apps/gateway/src/streams/subscription.service';
import type { LogClient } from './support/log-client';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

const CAP = 512 * 1024;
const CHECKOUT = { source: 'node-file.pods', selector: { namespace: 'team-a', pod: 'checkout-api' } };
/** About 1 KB a line: 12 MB in all, well past what the kernel buffers of one loopback connection hold (about 4 MB). */
const LINES = 12_000;
const CHUNK = 500;
const PAD = 'x'.repeat(1_000);
const lineOf = (seq: number): string => `seq=${String(seq).padStart(6, '0')} ${PAD}`;
const seqOf = (line: string): number => Number(line.slice(4, 10));
/** One broadcast batch at most: the default 100 records, each under 1.2 KB on the wire. */
const BATCH_BYTES = 100 * 1_200;

/** What a client got, in arrival order: record sequence numbers and dropped counts. */
type Arrival = { readonly seq: number } | { readonly dropped: number };

describe('backpressure', () => {
  let demo: DemoGateway;
  const clients: LogClient[] = [];
  const connect = async () => {
    const client = await demo.connect('alice');
    clients.push(client);
    expect((await client.subscribe(CHECKOUT)).ok).toBe(true);
    await client.waitFor(() => client.targets.length === 1, 'the checkout-api target');
    return client;
  };
  /** Everything the client receives from now on, in order. */
  const arrivalsOf = (client: LogClient): Arrival[] => {
    const arrivals: Arrival[] = [];
    client.socket.on('records', ({ batch }) => {
      for (const record of batch) arrivals.push({ seq: seqOf(record.line) });
    });
    client.socket.on('dropped', ({ count }: DroppedEvent) => arrivals.push({ dropped: count }));
    return arrivals;
  };
  /** The client's WebSocket (engine.io-client on Node uses `ws`): pausing it stops reading from the TCP socket. */
  const webSocketOf = (client: LogClient) =>
    (client.socket.io.engine.transport as unknown as { ws: { pause(): void; resume(): void; terminate(): void } }).ws;
  const serverSocketOf = (client: LogClient) => {
    const socket = demo.gateway.app
      .get(SubscriptionService)
      .sockets()
      .find((s) => s.id === client.socket.id);
    if (!socket) throw new Error('no server socket for the client');
    return socket;
  };
  const write = async (from: number, to: number, eachChunk: () => Promise<void>) => {
    const writer = demo.writers.get('checkout-api')!;
    for (let start = from; start < to; start += CHUNK) {
      const lines = Array.from({ length: Math.min(CHUNK, to - start) }, (_, i) => encodeCriLine(lineOf(start + i)));
      await writer.writeRaw(Buffer.concat(lines));
      await eachChunk();
    }
  };

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS, undefined, { listenerBufferBytes: CAP });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await demo.stop();
  });

  it('drops the oldest records for a client that stops reading, tells it how many, and never slows the others', async () => {
    const fast = await connect();
    const slow = await connect();
    const fastArrivals = arrivalsOf(fast);
    const slowArrivals = arrivalsOf(slow);
    webSocketOf(slow).pause();

    let laneBytesMax = 0;
    let waitingMax = 0;
    await write(0, LINES, async () => {
      laneBytesMax = Math.max(laneBytesMax, await demo.metric('tailgate_slow_lane_bytes'));
      waitingMax = Math.max(waitingMax, outstandingBytes(serverSocketOf(slow)));
    });
    // The fast client gets every record, in order, while the slow one still reads nothing.
    await fast.waitFor(() => fast.records.length === LINES, 'every record at the fast client', 15_000);
    expect(fastArrivals).toEqual(Array.from({ length: LINES }, (_, seq) => ({ seq })));
    expect(await demo.metric('tailgate_listeners_slow')).toBe(1);
    // The server holds at most the cap in the slow lane, and about the cap in the connection.
    laneBytesMax = Math.max(laneBytesMax, await demo.metric('tailgate_slow_lane_bytes'));
    expect(laneBytesMax).toBeGreaterThan(0);
    expect(laneBytesMax).toBeLessThanOrEqual(CAP);
    expect(waitingMax).toBeLessThanOrEqual(CAP + BATCH_BYTES);

    webSocketOf(slow).resume();
    const accounted = () => slowArrivals.reduce((sum, a) => sum + ('seq' in a ? 1 : a.dropped), 0);
    await expect.poll(accounted, { timeout: 30_000 }).toBe(LINES);
    const dropped = LINES - slowArrivals.filter((a) => 'seq' in a).length;
    expect(dropped).toBeGreaterThan(0);
    expect(await demo.metric('tailgate_records_dropped_total', 'reason="slow_listener"')).toBe(dropped);
    // Records in order, and each `dropped` exactly where its records are missing.
    let next = 0;
    for (const arrival of slowArrivals) {
      if ('dropped' in arrival) next += arrival.dropped;
      else expect(arrival.seq).toBe(next++);
    }
    expect(next).toBe(LINES);

    // Once drained, it is back on the broadcasts like the fast one.
    await expect.poll(() => demo.metric('tailgate_listeners_slow')).toBe(0);
    expect(await demo.metric('tailgate_slow_lane_bytes')).toBe(0);
    await write(LINES, LINES + 1, () => Promise.resolve());
    await expect.poll(() => slowArrivals.at(-1)).toEqual({ seq: LINES });
    await fast.waitFor(() => fast.records.length === LINES + 1, 'the record after the gap');
    expect(fastArrivals.some((a) => 'dropped' in a)).toBe(false);
  });

  it('frees the slow lane of a client that drops its connection while behind', async () => {
    await connect();
    const slow = await connect();
    webSocketOf(slow).pause();
    await write(0, LINES, () => Promise.resolve());
    await expect.poll(() => demo.metric('tailgate_listeners_slow'), { timeout: 20_000 }).toBe(1);
    expect(await demo.metric('tailgate_slow_lane_bytes')).toBeGreaterThan(0);
    webSocketOf(slow).terminate();
    await expect.poll(() => demo.metric('tailgate_listeners_slow')).toBe(0);
    expect(await demo.metric('tailgate_slow_lane_bytes')).toBe(0);
  });
});
