// What one running upstream puts on its stream's channel: wire records converted once, only of
// announced targets, each message fenced; a takeover's catch-up before the live stream without
// what it repeated; targets announced again on request while the grant holds.
import type { LogBus } from '@tailgate/bus';
import { type Backlog, type BacklogOptions, type LogRecord, pagesOf, silentLogger, type TargetRef } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import type { UpstreamGrant } from '../cluster/stream-claim';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { type BusFrame, type BusMessage, busMessageFence, decodeBusMessage } from '../model/bus-message';
import type { StreamDescriptor } from '../model/stream-descriptor';
import { StreamPublisher } from './stream-publisher';
import { wireRecord as wire } from './testing/wire-record';

const a: TargetRef = { namespace: 'n', pod: 'a', container: 'c' };
const b: TargetRef = { namespace: 'n', pod: 'b', container: 'c' };
const stray: TargetRef = { namespace: 'n', pod: 'stray', container: 'c' };
const line = (target: TargetRef, cursor: string): LogRecord => ({ ts: 't', target, stream: 'stdout', line: cursor, cursor });
const added = (pod: string): BusMessage => ({ t: 'target', op: 'added', target: { ns: 'n', pod, container: 'c' } });

interface Setup {
  readonly grant?: Partial<UpstreamGrant>;
  /** The source's backlog, for a takeover's catch-up. */
  readonly backlog?: (options: BacklogOptions) => Backlog;
  readonly maxBatchRecords?: number;
  /** When the bus acknowledges a publish; default at once. */
  readonly acknowledge?: () => Promise<void>;
}

function publisherOn(setup: Setup = {}) {
  const raw: BusFrame[] = [];
  const publish = (_channel: string, message: BusFrame) => {
    raw.push(message);
    return setup.acknowledge ? setup.acknowledge() : Promise.resolve();
  };
  const bus = { publish } as unknown as LogBus;
  const source = { backlog: setup.backlog && (async (_selector: unknown, options: BacklogOptions) => setup.backlog?.(options)) };
  const stream = { id: 's', key: 'k', source: { id: 'x.y', source }, selector: {} } as unknown as StreamDescriptor;
  const grant: UpstreamGrant = { resumeAfter: new Map(), isValid: () => true, ...setup.grant };
  const metrics = new GatewayMetrics();
  const deps = { bus, metrics, logger: silentLogger, maxBatchRecords: setup.maxBatchRecords ?? 100 };
  const publisher = new StreamPublisher(deps, { stream, channel: 'c', grant, signal: new AbortController().signal });
  const messages = () => raw.map((message) => decodeBusMessage(message));
  return { publisher, raw, messages, metrics };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('StreamPublisher', () => {
  it('keeps up to 8 record batches on their way to the bus unacknowledged; other messages and the end wait for the batches before them', async () => {
    const acks: (() => void)[] = [];
    const acknowledge = () => new Promise<void>((resolve) => acks.push(resolve));
    const { publisher, messages } = publisherOn({ acknowledge });
    const announced = publisher.publish({ type: 'target', op: 'added', target: a });
    await settle();
    acks.shift()?.();
    await announced;
    const batches = Array.from({ length: 10 }, (_, i) => publisher.publish({ type: 'records', records: [line(a, String(i))] }));
    const removed = publisher.publish({ type: 'target', op: 'removed', target: a });
    await settle();
    expect(messages().length).toBe(1 + 8);
    acks.shift()?.();
    await settle();
    expect(messages().length).toBe(1 + 9);
    acks.shift()?.();
    await settle();
    // Every batch is out; the removal waits until those still unacknowledged are.
    expect(messages().length).toBe(1 + 10);
    expect(acks.length).toBe(8);
    for (const ack of acks.splice(0)) ack();
    await settle();
    expect(messages().length).toBe(1 + 10 + 1);
    await Promise.all(batches);
    expect(messages().map((m) => (m?.t === 'records' ? m.records[0]?.line : m?.t))).toEqual([
      'target',
      ...Array.from({ length: 10 }, (_, i) => String(i)),
      'target',
    ]);
    const ending = publisher.end('complete');
    for (const ack of acks.splice(0)) ack();
    await settle();
    acks.shift()?.();
    await Promise.all([removed, ending]);
    expect(messages().at(-1)).toEqual({ t: 'end', reason: 'complete' });
  });

  it('publishes the records of announced targets as wire records, and drops and counts those of targets never announced', async () => {
    const { publisher, messages, metrics } = publisherOn();
    await publisher.publish({ type: 'target', op: 'added', target: a });
    await publisher.publish({ type: 'records', records: [line(a, '1'), line(stray, '1'), line(a, '2')] });
    await publisher.publish({ type: 'records', records: [line(stray, '2')] });
    expect(messages()).toEqual([added('a'), { t: 'records', records: [wire('a', '1'), wire('a', '2')] }]);
    expect((await metrics.recordsDropped.get()).values).toEqual([
      expect.objectContaining({ value: 2, labels: { reason: 'unannounced_target' } }),
    ]);
  });

  it("stamps every message with its grant's fence and tells the grant the last cursor per target of each batch", async () => {
    const published: ReadonlyMap<string, string>[] = [];
    const { publisher, raw } = publisherOn({ grant: { fence: 7, published: (cursors) => published.push(cursors) } });
    await publisher.publish({ type: 'target', op: 'added', target: a });
    await publisher.publish({ type: 'target', op: 'added', target: b });
    await publisher.publish({ type: 'records', records: [line(a, '1'), line(b, '5'), line(a, '2')] });
    await publisher.end('complete');
    expect(raw.map(busMessageFence)).toEqual([7, 7, 7, 7]);
    expect(published).toEqual([
      new Map([
        ['n/a/c', '2'],
        ['n/b/c', '5'],
      ]),
    ]);
  });

  it('on a takeover, publishes what the previous holder had not, in batches, then the live stream without what that repeated', async () => {
    const asked: BacklogOptions[] = [];
    const { publisher, messages } = publisherOn({
      grant: { resumeAfter: new Map([['n/a/c', '1']]) },
      maxBatchRecords: 2,
      backlog: (options) => {
        asked.push(options);
        return { targets: [a], pages: pagesOf([line(a, '2'), line(stray, '1'), line(a, '3'), line(a, '4')]) };
      },
    });
    await publisher.catchUp();
    await publisher.publish({ type: 'target', op: 'added', target: a });
    await publisher.publish({ type: 'records', records: [line(a, '3'), line(a, '4'), line(a, '5')] });
    expect(asked).toEqual([{ after: { byTarget: new Map([['n/a/c', '1']]) } }]);
    expect(messages()).toEqual([
      added('a'),
      { t: 'records', records: [wire('a', '2'), wire('a', '3')] },
      { t: 'records', records: [wire('a', '4')] },
      { t: 'records', records: [wire('a', '5')] },
    ]);
  });

  it('announces every target again on request, and nothing once its grant is no longer valid', async () => {
    let valid = true;
    const { publisher, messages } = publisherOn({ grant: { isValid: () => valid } });
    await publisher.publish({ type: 'target', op: 'added', target: a });
    await publisher.publish({ type: 'target', op: 'added', target: b });
    await publisher.publish({ type: 'target', op: 'removed', target: b, reason: 'deleted' });
    publisher.announceAgain();
    valid = false;
    publisher.announceAgain();
    await expect.poll(() => messages().length).toBe(4);
    await publisher.publish({ type: 'records', records: [] });
    expect(messages()).toEqual([
      added('a'),
      added('b'),
      { t: 'target', op: 'removed', target: { ns: 'n', pod: 'b', container: 'c' }, reason: 'deleted' },
      added('a'),
    ]);
  });
});
