import { describe, expect, it } from 'vitest';

import { AuditBatchDelivery, type AuditDeliveryLedger } from './audit-batch-delivery';
import type { AuditBatchJob } from './audit-batch-job';
import type { AuditEvent } from './audit-event';
import { MemoryAuditMetrics } from './audit-metrics';
import { sampleEvents } from './testing/audit-samples';
import { WebhookDeliveryError } from './webhook-audit-sink';

class MemoryLedger implements AuditDeliveryLedger {
  readonly next = new Map<string, number>();

  async nextBatch(run: string): Promise<number> {
    return this.next.get(run) ?? 0;
  }

  async settle(run: string, seq: number): Promise<void> {
    this.next.set(run, seq + 1);
  }
}

/** Posts nothing: records each batch it is given, or throws what `answer` says. */
class ScriptedWebhook {
  readonly name = 'webhook';
  readonly posted: (readonly AuditEvent[])[] = [];
  answer: () => WebhookDeliveryError | undefined = () => undefined;

  async postOnce(batch: readonly AuditEvent[]): Promise<void> {
    const error = this.answer();
    if (error !== undefined) throw error;
    this.posted.push(batch);
  }
}

const events = sampleEvents('Metadata');
const batch = (seq: number): AuditBatchJob => ({ run: 'run-1', seq, events: events.slice(0, 2) });
const ctx = (attempt: number) => ({ attempt, signal: new AbortController().signal });

/** A little after the sample events (10:05:30): a batch of them has waited half a minute. */
let now = Date.parse('2026-05-01T10:06:00.000Z');

function delivery(attempts = 3) {
  const sink = new ScriptedWebhook();
  const ledger = new MemoryLedger();
  const metrics = new MemoryAuditMetrics();
  const failures: number[] = [];
  const lostBatches: number[] = [];
  const subject = new AuditBatchDelivery({
    sink,
    ledger,
    attempts,
    waitMs: 25,
    metrics,
    onDeliveryFailure: (failure) => failures.push(failure.events),
    onPredecessorsLost: (lost) => lostBatches.push(lost.batches),
    maxWaitBehindMs: 3_600_000,
    now: () => now,
  });
  return { subject, sink, ledger, metrics, failures, lostBatches };
}

describe('AuditBatchDelivery', () => {
  it('posts the batch due, settles it and counts it delivered', async () => {
    const { subject, sink, ledger, metrics } = delivery();
    await subject.deliver(batch(0), ctx(1));
    expect(sink.posted).toEqual([events.slice(0, 2)]);
    expect(await ledger.nextBatch('run-1')).toBe(1);
    expect(metrics.count('webhook', 'delivered')).toBe(2);
  });

  it('defers a batch whose predecessor has not settled, without posting it', async () => {
    const { subject, sink } = delivery();
    await expect(subject.deliver(batch(1), ctx(1))).rejects.toMatchObject({ code: 'job_deferred', delayMs: 25 });
    expect(sink.posted).toEqual([]);
  });

  it('goes on without predecessors that never settle once it has waited maxWaitBehindMs, saying how many were lost', async () => {
    const { subject, sink, ledger, lostBatches } = delivery();
    await expect(subject.deliver(batch(2), ctx(1))).rejects.toMatchObject({ code: 'job_deferred' });
    now += 3_600_000;
    try {
      await subject.deliver(batch(2), ctx(1));
    } finally {
      now -= 3_600_000;
    }
    expect(sink.posted).toEqual([events.slice(0, 2)]);
    expect(lostBatches).toEqual([2]);
    expect(await ledger.nextBatch('run-1')).toBe(3);
  });

  it('skips a batch settled already (a repeated run), posting nothing', async () => {
    const { subject, sink, ledger } = delivery();
    await ledger.settle('run-1', 0);
    await subject.deliver(batch(0), ctx(2));
    expect(sink.posted).toEqual([]);
  });

  it('asks for a retry while attempts remain, leaving the batch due', async () => {
    const { subject, sink, ledger, metrics } = delivery(3);
    sink.answer = () => new WebhookDeliveryError('audit webhook 127.0.0.1: HTTP 503');
    const retry = subject.deliver(batch(0), ctx(2));
    await expect(retry).rejects.toMatchObject({ code: 'upstream_unavailable' });
    await expect(retry).rejects.toThrow(/HTTP 503/);
    expect(await ledger.nextBatch('run-1')).toBe(0);
    expect(metrics.count('webhook', 'retried')).toBe(1);
  });

  it('gives up at once on a batch the receiver refuses (4xx), settling it so the next goes on', async () => {
    const { subject, sink, ledger, metrics, failures } = delivery(3);
    sink.answer = () => new WebhookDeliveryError('audit webhook 127.0.0.1: HTTP 400', true);
    await expect(subject.deliver(batch(0), ctx(1))).rejects.toMatchObject({ code: 'permanent_job_failure' });
    expect(await ledger.nextBatch('run-1')).toBe(1);
    expect(metrics.count('webhook', 'failed')).toBe(2);
    expect(failures).toEqual([2]);
  });

  it('gives up on the last attempt, settling the batch', async () => {
    const { subject, sink, ledger } = delivery(3);
    sink.answer = () => new WebhookDeliveryError('audit webhook 127.0.0.1: ECONNRESET');
    const givenUp = subject.deliver(batch(0), ctx(3));
    await expect(givenUp).rejects.toMatchObject({ code: 'permanent_job_failure' });
    await expect(givenUp).rejects.toThrow(/after 3 attempt\(s\): audit webhook 127.0.0.1: ECONNRESET/);
    expect(await ledger.nextBatch('run-1')).toBe(1);
  });
});
