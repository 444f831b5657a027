import { MemoryPluginMetrics, silentLogger, type SourceEvent } from '@tailgate/plugin-sdk';
import { memoryPodMetadata } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import { flowTapCounters, RECORDS_DROPPED_METRIC } from './flow-tap-metrics';
import { TapInbox } from './tap-inbox';
import { encodeTapMessage } from './tap-message';

const record = (pod: string, line: string) => ({ namespace: 'acme', pod, container: 'app', stream: 'stdout' as const, line });

function inbox(max: { maxQueuedRecords: number; maxTargets: number }) {
  const metrics = new MemoryPluginMetrics();
  const pods = memoryPodMetadata([
    { namespace: 'acme', name: 'a', node: 'n1', labels: {} },
    { namespace: 'acme', name: 'b', node: 'n1', labels: {} },
    { namespace: 'acme', name: 'c', node: 'n1', labels: {} },
  ]);
  const box = new TapInbox({
    tap: { kind: 'flow', namespace: 'acme', name: 'web' },
    pods,
    dropped: flowTapCounters(metrics).recordsDropped,
    logger: silentLogger,
    lookupConcurrency: 2,
    ...max,
  });
  return { box, metrics, pods };
}

async function read(box: TapInbox, count: number): Promise<SourceEvent[]> {
  const controller = new AbortController();
  const events: SourceEvent[] = [];
  for await (const event of box.drain(controller.signal)) {
    events.push(event);
    if (events.length === count) controller.abort();
  }
  return events;
}

describe('TapInbox', () => {
  it('drops whole messages past maxQueuedRecords while the host does not read, and counts their records', async () => {
    const { box, metrics } = inbox({ maxQueuedRecords: 3, maxTargets: 10 });
    box.take(encodeTapMessage([record('a', '1'), record('a', '2')]));
    box.take(encodeTapMessage([record('a', '3'), record('a', '4')]));
    box.take(encodeTapMessage([record('a', '5')]));
    const events = await read(box, 3);
    expect(events.flatMap((event) => (event.type === 'records' ? event.records.map((r) => r.line) : []))).toEqual(['1', '2', '5']);
    expect(metrics.value(RECORDS_DROPPED_METRIC, { reason: 'overflow' })).toBe(2);
  });

  it('looks each pod of a message up once, however many records name it', async () => {
    const { box, pods } = inbox({ maxQueuedRecords: 1_000, maxTargets: 10 });
    box.take(encodeTapMessage(Array.from({ length: 100 }, (_, i) => record(i % 2 === 0 ? 'a' : 'b', String(i)))));
    const events = await read(box, 3);
    expect(events.at(-1)).toMatchObject({ type: 'records', records: { length: 100 } });
    expect(pods.lookups).toBe(2);
  });

  it('announces the least recently heard target removed when it must make room', async () => {
    const { box } = inbox({ maxQueuedRecords: 1_000, maxTargets: 2 });
    box.take(encodeTapMessage([record('a', '1'), record('b', '2')]));
    box.take(encodeTapMessage([record('c', '3')]));
    const events = await read(box, 6);
    expect(events.map((event) => (event.type === 'records' ? 'records' : `${event.op} ${event.target.pod}`))).toEqual([
      'added a',
      'added b',
      'records',
      'removed a',
      'added c',
      'records',
    ]);
  });
});
