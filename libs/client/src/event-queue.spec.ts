import type { WireRecord } from '@tailgate/contracts';
import { describe, expect, it } from 'vitest';

import { EventQueue } from './event-queue';
import type { SubscriptionEvent } from './subscription';

let n = 0;
const batch = (size: number): SubscriptionEvent => ({
  type: 'records',
  records: Array.from({ length: size }, (): WireRecord => ({
    ts: '2026-01-01T00:00:00Z',
    ns: 'n',
    pod: 'p',
    container: 'c',
    stream: 'stdout',
    line: `l${++n}`,
    cursor: `${n}`,
  })),
});
const target: SubscriptionEvent = { type: 'target', op: 'added', target: { ns: 'n', pod: 'p', container: 'c' } };

async function drain(queue: EventQueue): Promise<SubscriptionEvent[]> {
  const events: SubscriptionEvent[] = [];
  for (;;) {
    const next = await queue.next();
    if (next.done) return events;
    events.push(next.value);
  }
}
const shape = (events: readonly SubscriptionEvent[]) =>
  events.map((e) => (e.type === 'records' ? `records:${e.records.length}` : e.type === 'dropped' ? `dropped:${e.by}:${e.count}` : e.type));

describe('EventQueue', () => {
  it('passes events on in order, then ends', async () => {
    const queue = new EventQueue(100);
    queue.push(target);
    queue.push(batch(2));
    queue.push({ type: 'ended', reason: 'complete' });
    queue.end();
    expect(shape(await drain(queue))).toEqual(['target', 'records:2', 'ended']);
  });

  it('hands an event straight to a waiting reader', async () => {
    const queue = new EventQueue(100);
    const next = queue.next();
    queue.push(target);
    expect(await next).toEqual({ value: target, done: false });
    expect(queue.size).toBe(0);
  });

  it('drops the oldest batches beyond the bound and says how many records, where they were', async () => {
    const queue = new EventQueue(5);
    queue.push(batch(2));
    queue.push(target);
    queue.push(batch(2));
    queue.push(batch(2));
    queue.push(batch(3));
    queue.end();
    // 9 records > 5: the first batch (2), then the next (2) go; the notice keeps its place.
    expect(shape(await drain(queue))).toEqual(['dropped:client:2', 'target', 'dropped:client:2', 'records:2', 'records:3']);
  });

  it('folds adjacent drops into one count', async () => {
    const queue = new EventQueue(3);
    for (let i = 0; i < 4; i++) queue.push(batch(2));
    queue.end();
    expect(shape(await drain(queue))).toEqual(['dropped:client:6', 'records:2']);
  });

  it('never drops a notice, however far over the bound', async () => {
    const queue = new EventQueue(1);
    queue.push(target);
    queue.push(batch(5));
    queue.push({ type: 'gap', reason: 'takeover' });
    queue.end();
    expect(shape(await drain(queue))).toEqual(['target', 'dropped:client:5', 'gap']);
  });

  it('takes nothing more once discarded', async () => {
    const queue = new EventQueue(10);
    queue.push(batch(1));
    queue.discard();
    queue.push(batch(1));
    expect(await drain(queue)).toEqual([]);
  });

  it('ends a waiting reader when it ends', async () => {
    const queue = new EventQueue(10);
    const next = queue.next();
    queue.end();
    expect(await next).toEqual({ value: undefined, done: true });
  });
});
