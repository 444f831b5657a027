// FencedLogBus on the real in-process bus: fan-outs never see a deposed holder's messages, and
// what passes decodes as the message that was published.
import { InProcessLogBus } from '@tailgate/bus';
import { describe, expect, it } from 'vitest';

import { GatewayMetrics } from '../metrics/gateway-metrics';
import { type BusFrame, type BusMessage, busMessageFence, decodeBusMessage, encodeBusMessage } from '../model/bus-message';
import { FencedLogBus } from './fenced-log-bus';

const record = { ts: '2024-05-01T10:00:00Z', ns: 'a', pod: 'p', container: 'c', stream: 'stdout' as const, line: 'x', cursor: '1' };
const batch = (fence: number | undefined, line: string): BusMessage => ({ t: 'records', records: [{ ...record, line }], fence });

describe('FencedLogBus', () => {
  it('drops messages of a lower token than the highest seen on the channel, per channel', async () => {
    const metrics = new GatewayMetrics();
    const bus = new FencedLogBus(new InProcessLogBus(), 60_000, metrics);
    const one: BusFrame[] = [];
    const two: BusFrame[] = [];
    await bus.subscribe('t:one', (raw) => one.push(raw));
    await bus.subscribe('t:two', (raw) => two.push(raw));
    for (const [fence, line] of [
      [2, 'from 2'],
      [3, 'from 3'],
      [2, 'late from 2'],
      [3, 'again from 3'],
    ] as const) {
      await bus.publish('t:one', encodeBusMessage(batch(fence, line)));
    }
    await bus.publish('t:two', encodeBusMessage(batch(1, 'another stream')));
    await bus.publish('t:two', encodeBusMessage({ t: 'end', reason: 'complete', fence: 1 }));
    await expect.poll(() => two.length).toBe(2);
    const lines = (raws: BusFrame[]) =>
      raws.map((raw) => decodeBusMessage(raw)).map((m) => (m?.t === 'records' ? m.records[0]?.line : m?.t));
    expect(lines(one)).toEqual(['from 2', 'from 3', 'again from 3']);
    expect(lines(two)).toEqual(['another stream', 'end']);
    expect((await metrics.fencedMessages.get()).values[0]?.value).toBe(1);
    await bus.close();
  });

  it('encodes the token first, readable without decoding, and decodes every kind of message with it', () => {
    const messages: BusMessage[] = [
      batch(12, 'a'),
      { t: 'target', op: 'added', target: { ns: 'a', pod: 'p', container: 'c' }, fence: 12 },
      { t: 'target', op: 'removed', target: { ns: 'a', pod: 'p', container: 'c' }, reason: 'deleted', fence: 12 },
      { t: 'end', reason: 'upstream_failed', fence: 12 },
    ];
    for (const message of messages) {
      const raw = encodeBusMessage(message);
      expect(raw.startsWith('{"fence":12,')).toBe(true);
      expect(busMessageFence(raw)).toBe(12);
      expect(decodeBusMessage(raw)).toEqual(message);
    }
  });

  it('leaves messages without a token as they were, and passes them', () => {
    const raw = encodeBusMessage(batch(undefined, 'a'));
    expect(raw).toBe(JSON.stringify({ t: 'records', records: [{ ...record, line: 'a' }] }));
    expect(busMessageFence(raw)).toBeUndefined();
    expect(decodeBusMessage(raw)).toEqual({ t: 'records', records: [{ ...record, line: 'a' }] });
    expect(busMessageFence('{"fence":x,"t":"end"}')).toBeUndefined();
    expect(decodeBusMessage('{"fence":0,"t":"records","records":[]}')).toBeUndefined();
  });
});
