import { describe, expect, it } from 'vitest';

import type { AuditEvent } from './audit-event';
import { MemoryAuditMetrics } from './audit-metrics';
import { InProcessAuditQueue } from './in-process-audit-queue';
import { sampleEvents } from './testing/audit-samples';
import { MemoryAuditSink } from './testing/memory-audit-sink';

/** `n` distinct events, told apart by auditID. */
function events(n: number): AuditEvent[] {
  const [template] = sampleEvents();
  return Array.from({ length: n }, (_, i) => ({ ...template!, auditID: `e${i}` }));
}
const ids = (list: readonly AuditEvent[]): string[] => list.map((event) => event.auditID);

function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('InProcessAuditQueue', () => {
  it('sends full batches at once and every sink gets every event in order', async () => {
    const [a, b] = [new MemoryAuditSink('a'), new MemoryAuditSink('b')];
    const metrics = new MemoryAuditMetrics();
    const queue = new InProcessAuditQueue({ sinks: [a, b], metrics, maxBatchEvents: 3, maxBatchWaitMs: 60_000 });
    const sent = events(6);
    for (const event of sent) queue.enqueue(event);
    await Promise.all([a.received(6), b.received(6)]);
    expect(a.batches.map(ids)).toEqual([
      ['e0', 'e1', 'e2'],
      ['e3', 'e4', 'e5'],
    ]);
    expect(ids(b.events)).toEqual(ids(sent));
    expect(metrics.count('a', 'delivered')).toBe(6);
    expect(metrics.backlogOf('a')).toBe(0);
    await queue.close();
  });

  it('sends a partial batch once its oldest event has waited maxBatchWaitMs', async () => {
    const sink = new MemoryAuditSink();
    const queue = new InProcessAuditQueue({ sinks: [sink], maxBatchEvents: 100, maxBatchWaitMs: 20 });
    const started = Date.now();
    queue.enqueue(events(1)[0]!);
    await sink.received(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    expect(sink.batches).toHaveLength(1);
    await queue.close();
  });

  it("drops and counts events past a stuck sink's backlog, without holding up the caller or the other sinks", async () => {
    const [stuck, healthy] = [new MemoryAuditSink('stuck'), new MemoryAuditSink('healthy')];
    const held = gate();
    stuck.before = () => held.opened;
    const metrics = new MemoryAuditMetrics();
    const queue = new InProcessAuditQueue({ sinks: [stuck, healthy], metrics, maxBacklog: 5, maxBatchEvents: 2, maxBatchWaitMs: 0 });
    const sent = events(12);
    // The healthy sink keeps up event by event while the stuck one holds e0 in flight.
    for (const [i, event] of sent.entries()) {
      queue.enqueue(event);
      await healthy.received(i + 1);
    }
    expect(ids(healthy.events)).toEqual(ids(sent));
    expect(metrics.count('stuck', 'dropped backlog_full')).toBe(6);
    expect(metrics.backlogOf('stuck')).toBe(6); // five queued and one in flight
    held.open();
    await stuck.received(6);
    expect(ids(stuck.events)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
    expect(metrics.count('healthy', 'dropped backlog_full')).toBe(0);
    await queue.close();
  });

  it('counts a batch a sink gave up on as failed, reports it, and goes on with the next', async () => {
    const sink = new MemoryAuditSink();
    let calls = 0;
    sink.before = () => {
      calls++;
      if (calls === 1) throw new Error('disk full');
    };
    const metrics = new MemoryAuditMetrics();
    const failures: unknown[] = [];
    const queue = new InProcessAuditQueue({
      sinks: [sink],
      metrics,
      maxBatchEvents: 2,
      maxBatchWaitMs: 0,
      onDeliveryFailure: (f) => failures.push(f),
    });
    const sent = events(2);
    queue.enqueue(sent[0]!);
    queue.enqueue(sent[1]!);
    await expect.poll(() => metrics.count('memory', 'failed')).toBeGreaterThan(0);
    queue.enqueue(events(3)[2]!);
    await sink.received(1);
    expect(ids(sink.events)).toEqual(['e2']);
    expect(failures).toEqual([{ sink: 'memory', events: metrics.count('memory', 'failed'), error: new Error('disk full') }]);
    await queue.close();
  });

  it('flushes everything queued on close, then closes the sinks; later events are counted as dropped', async () => {
    const sink = new MemoryAuditSink();
    const metrics = new MemoryAuditMetrics();
    const queue = new InProcessAuditQueue({ sinks: [sink], metrics, maxBatchEvents: 4, maxBatchWaitMs: 60_000 });
    for (const event of events(10)) queue.enqueue(event);
    await queue.close();
    expect(sink.events).toHaveLength(10);
    expect(sink.closed).toBe(true);
    queue.enqueue(events(1)[0]!);
    expect(metrics.count('memory', 'dropped closed')).toBe(1);
    await expect(queue.close()).resolves.toBeUndefined();
  });

  it('gives close a deadline: a sink that never finishes is aborted and what waited is dropped as closed', async () => {
    const sink = new MemoryAuditSink();
    sink.before = (_batch, signal) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
    const metrics = new MemoryAuditMetrics();
    const queue = new InProcessAuditQueue({ sinks: [sink], metrics, maxBatchEvents: 2, maxBatchWaitMs: 0, closeTimeoutMs: 30 });
    for (const event of events(5)) queue.enqueue(event);
    await queue.close();
    expect(metrics.count('memory', 'failed')).toBe(2);
    expect(metrics.count('memory', 'dropped closed')).toBe(3);
    expect(metrics.backlogOf('memory')).toBe(0);
    expect(sink.closed).toBe(true);
  });

  it('refuses sinks with the same name (their metrics would mix)', () => {
    expect(() => new InProcessAuditQueue({ sinks: [new MemoryAuditSink('x'), new MemoryAuditSink('x')] })).toThrow(/doubled: x/);
  });
});
