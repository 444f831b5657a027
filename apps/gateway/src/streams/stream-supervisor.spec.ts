// What the holder of a stream does when the bus refuses publishes: it keeps reading, counts what
// is lost per target, and once the bus takes messages again announces its targets and says what
// was lost before going on; the end of a stream is tried again rather than lost.
import { InProcessLogBus } from '@tailgate/bus';
import { type LogRecord, silentLogger, type SourceEvent, type TargetRef } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { LocalStreamClaims } from '../cluster/local-stream-claims';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { type BusMessage, decodeBusMessage } from '../model/bus-message';
import type { StreamDescriptor } from '../model/stream-descriptor';
import { StreamSupervisor } from './stream-supervisor';

const target: TargetRef = { namespace: 'n', pod: 'a', container: 'c' };
const line = (cursor: string): LogRecord => ({ ts: 't', target, stream: 'stdout', line: cursor, cursor });

/** A bus that refuses the publishes `refuse` picks (by message), and remembers what it took. */
function refusingBus(refuse: (message: BusMessage, attempt: number) => boolean) {
  const inner = new InProcessLogBus();
  const taken: BusMessage[] = [];
  let attempts = 0;
  const bus = Object.assign(Object.create(inner) as InProcessLogBus, {
    publish: (channel: string, raw: string) => {
      const message = decodeBusMessage(raw) as BusMessage;
      if (refuse(message, attempts++)) return Promise.reject(new Error('Connection is closed.'));
      taken.push(message);
      return inner.publish(channel, raw);
    },
  });
  return { bus, taken };
}

function supervise(bus: InProcessLogBus, events: readonly SourceEvent[]) {
  const source = {
    open: async function* () {
      for (const event of events) yield event;
    },
  };
  const stream = { id: 's', key: 'k', source: { id: 'x.y', source }, selector: {} } as unknown as StreamDescriptor;
  const metrics = new GatewayMetrics();
  const supervisor = new StreamSupervisor(
    bus,
    { channelOf: () => 'c', maxBatchRecords: 100 },
    new LocalStreamClaims(1_000),
    metrics,
    silentLogger,
  );
  // In one process the upstream opens at once: the promise only says it is live.
  void supervisor.acquire(stream);
  return { supervisor, metrics };
}

describe('StreamSupervisor on a bus that refuses publishes', () => {
  it('counts what was lost per target and, once the bus is back, announces the targets again and publishes a gap first', async () => {
    const { bus, taken } = refusingBus((_message, attempt) => attempt < 2);
    const { metrics } = supervise(bus, [
      { type: 'target', op: 'added', target },
      { type: 'records', records: [line('1'), line('2')] },
      { type: 'records', records: [line('3')] },
    ]);
    await expect.poll(() => taken.length).toBe(4);
    expect(taken).toEqual([
      { t: 'target', op: 'added', target: { ns: 'n', pod: 'a', container: 'c' } },
      { t: 'gap', missed: [{ target: { ns: 'n', pod: 'a', container: 'c' }, count: 2 }] },
      { t: 'records', records: [{ ts: 't', ns: 'n', pod: 'a', container: 'c', stream: 'stdout', line: '3', cursor: '3' }] },
      { t: 'end', reason: 'complete' },
    ]);
    expect((await metrics.recordsDropped.get()).values).toEqual([
      expect.objectContaining({ value: 2, labels: { reason: 'bus_unavailable' } }),
    ]);
  });

  it('tries the end of a stream again while the bus refuses it', async () => {
    let ends = 0;
    const { bus, taken } = refusingBus((message) => message.t === 'end' && ends++ < 2);
    supervise(bus, [{ type: 'target', op: 'added', target }]);
    await expect.poll(() => taken.map((m) => m.t), { timeout: 3_000 }).toEqual(['target', 'end']);
    expect(ends).toBe(3);
  });
});
