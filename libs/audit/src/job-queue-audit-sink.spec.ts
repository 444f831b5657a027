import { describe, expect, it } from 'vitest';

import { auditBatchJobId, type AuditBatchJob } from './audit-batch-job';
import { MemoryAuditMetrics } from './audit-metrics';
import { JobQueueAuditSink } from './job-queue-audit-sink';
import { sampleEvents } from './testing/audit-samples';

const events = sampleEvents('Metadata');

describe('JobQueueAuditSink', () => {
  it('queues each batch as one job, numbered in order within its run, deduplicated by run and number', async () => {
    const queued: { batch: AuditBatchJob; jobId: string }[] = [];
    const sink = new JobQueueAuditSink({ enqueue: async (batch, jobId) => void queued.push({ batch, jobId }) });
    const signal = new AbortController().signal;
    await sink.deliver(events.slice(0, 2), signal);
    await sink.deliver(events.slice(2, 3), signal);
    expect(queued.map(({ batch }) => [batch.run, batch.seq, batch.events.length])).toEqual([
      [sink.run, 0, 2],
      [sink.run, 1, 1],
    ]);
    expect(queued.map(({ jobId }) => jobId)).toEqual([
      auditBatchJobId({ run: sink.run, seq: 0 }),
      auditBatchJobId({ run: sink.run, seq: 1 }),
    ]);
  });

  it('offers a batch the queue refused again, under the same number, counting each refusal', async () => {
    const offered: number[] = [];
    const metrics = new MemoryAuditMetrics();
    const sink = new JobQueueAuditSink({
      retryMs: 5,
      metrics,
      enqueue: async (batch) => {
        offered.push(batch.seq);
        if (offered.length < 3) throw new Error('job_queue_unavailable');
      },
    });
    await sink.deliver(events.slice(0, 1), new AbortController().signal);
    expect(offered).toEqual([0, 0, 0]);
    expect(metrics.count('webhook', 'retried')).toBe(2);
  });

  it('stops offering once the close deadline aborts', async () => {
    const abort = new AbortController();
    const sink = new JobQueueAuditSink({ retryMs: 5, enqueue: () => Promise.reject(new Error('job_queue_unavailable')) });
    const delivering = sink.deliver(events.slice(0, 1), abort.signal);
    abort.abort(new Error('deadline'));
    await expect(delivering).rejects.toThrow('deadline');
  });
});
