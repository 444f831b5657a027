// What only the BullMQ runner does, on the run's real redis-server: a run stopped by shutdown is
// run again by the next worker without using an attempt, a producer queues without running, and
// several workers on one queue share an `every` schedule (one run per interval).
import { randomUUID } from 'node:crypto';

import { BullmqJobRunner, type BullmqJobRunnerOptions, MemoryJobMetrics } from '@tailgate/jobs';
import { Gate, RecordedJob, registeredJobs } from '@tailgate/jobs/testing';
import { startRedisServer } from '@tailgate/testing';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';

const POLL = { timeout: 10_000, interval: 20 };

describe('BullMQ job runner', () => {
  const runners: BullmqJobRunner[] = [];
  let keyPrefix: string;

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.close()));
  });

  /** Runners of one test share a queue, as the processes of one deployment do. */
  function runner(mode: BullmqJobRunnerOptions['mode'], metrics = new MemoryJobMetrics()): BullmqJobRunner {
    const made = new BullmqJobRunner({ redis: { url: inject('redisUrl'), keyPrefix }, mode, metrics, settings: { backoffBaseMs: 50 } });
    runners.push(made);
    return made;
  }

  beforeEach(() => {
    keyPrefix = `test:jobs-bullmq:${randomUUID()}:`;
  });

  it('puts a run stopped by shutdown back in the queue, and the next worker runs it again as attempt 1', async () => {
    const job = new RecordedJob('test.reconcile', { attempts: 1 });
    job.script = (_data, ctx) =>
      ctx.attempt === 1 && job.runs.length === 1
        ? new Promise<void>((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }))
        : Promise.resolve();
    const first = runner('worker');
    await first.start(registeredJobs(job));
    await first.enqueue('test.reconcile', { n: 1 });
    await expect.poll(() => job.runs.length, POLL).toBe(1);
    await first.close();

    const metrics = new MemoryJobMetrics();
    const second = runner('worker', metrics);
    await second.start(registeredJobs(job));
    await expect.poll(() => metrics.value('test.reconcile', 'completed'), POLL).toBe(1);
    // With attempts: 1, a stop counted as a failure would have dead-lettered it instead.
    expect(job.runs.map((run) => run.attempt)).toEqual([1, 1]);
    expect(await second.deadLetters()).toEqual([]);
  });

  it('as a producer queues jobs without running them, nor their schedules; a worker runs them', async () => {
    const job = new RecordedJob('test.patch');
    const tick = new RecordedJob('test.tick', { every: { intervalMs: 100, data: { n: 0 } } });
    const producer = runner('producer');
    await producer.start(registeredJobs(job, tick));
    await producer.enqueue('test.patch', { n: 1 });
    await producer.enqueue('test.patch', { n: 2 }, { delayMs: 50 });
    expect(await producer.backlog()).toBe(2);
    // Long enough for a schedule's first run and the delayed job, had the producer run them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([job.runs.length, tick.runs.length]).toEqual([0, 0]);

    const metrics = new MemoryJobMetrics();
    await runner('worker', metrics).start(registeredJobs(job, tick));
    await expect.poll(() => metrics.value('test.patch', 'completed'), POLL).toBe(2);
    expect(job.runs.map((run) => run.data)).toEqual([
      { n: 1, tag: 'parsed' },
      { n: 2, tag: 'parsed' },
    ]);
    // Only the schedule's next run waits now.
    await expect.poll(() => tick.runs.length, POLL).toBeGreaterThanOrEqual(1);
    expect(await producer.backlog()).toBe(1);
  });

  it('refuses to queue at once while Redis is unreachable, and queues again once it is back', async () => {
    const first = await startRedisServer();
    let outages = 0;
    const job = new RecordedJob('test.later');
    const made = new BullmqJobRunner({ redis: { url: first.url, keyPrefix }, mode: 'producer', onConnectionError: () => (outages += 1) });
    let second: Awaited<ReturnType<typeof startRedisServer>> | undefined;
    try {
      await made.start(registeredJobs(job));
      await made.enqueue('test.later', { n: 1 });
      await first.stop();
      await expect.poll(() => outages, POLL).toBeGreaterThan(0);
      await expect(made.enqueue('test.later', { n: 2 })).rejects.toMatchObject({ code: 'job_queue_unavailable' });
      await expect(made.backlog()).rejects.toMatchObject({ code: 'job_queue_unavailable' });
      second = await startRedisServer({ port: first.port });
      const attempt = () =>
        made.enqueue('test.later', { n: 3 }).then(
          () => 'queued',
          (error: { code?: string }) => error.code,
        );
      await expect.poll(attempt, POLL).toBe('queued');
    } finally {
      await made.close();
      await second?.stop();
    }
  });

  it('shares an `every` schedule between workers: one run per interval, not one per worker', async () => {
    const job = new RecordedJob('test.sweep', { every: { intervalMs: 250, data: { n: 0 } } });
    const gate = new Gate();
    const workers = [runner('worker'), runner('worker'), runner('worker')];
    const started = Date.now();
    await Promise.all(workers.map((worker) => worker.start(registeredJobs(job))));
    setTimeout(gate.open, 1_300);
    await gate.opened;
    const elapsed = Date.now() - started;
    expect(job.runs.length).toBeGreaterThanOrEqual(3);
    // Each worker upserts the schedule at start, which may add one run each; never one per worker per interval.
    expect(job.runs.length).toBeLessThanOrEqual(Math.floor(elapsed / 250) + workers.length);
  });
});
