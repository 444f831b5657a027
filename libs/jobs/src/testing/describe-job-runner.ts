// The behaviour every job runner shares (in process, BullMQ on Redis, BullMQ on Redis Cluster):
//   describeJobRunner('bullmq', (settings, hooks) => new BullmqJobRunner({ redis, mode: 'worker', settings, ...hooks }))
// The factory must give each runner a queue of its own (a fresh key prefix): tests run side by side.
import { PermanentJobError } from '@tailgate/plugin-sdk';
import { afterEach, describe, expect, it } from 'vitest';

import { JobDeferral } from '../job-deferral';
import { MemoryJobMetrics } from '../job-metrics';
import type { JobRunner, JobRunnerHooks, JobRunnerSettings } from '../job-runner';
import { Gate, RecordedJob, registeredJobs } from './job-runs';

export type MakeJobRunner = (settings: Partial<JobRunnerSettings>, hooks: JobRunnerHooks) => JobRunner;

/** Timers and Redis round trips may run this much early or late against wall time. */
const TIMER_SLACK_MS = 15;
const POLL = { timeout: 10_000, interval: 20 };

export function describeJobRunner(name: string, makeRunner: MakeJobRunner): void {
  describe(`JobRunner conformance: ${name}`, () => {
    const runners: JobRunner[] = [];
    afterEach(async () => {
      await Promise.all(runners.splice(0).map((runner) => runner.close()));
    });
    const started = async (jobs: readonly RecordedJob[], settings: Partial<JobRunnerSettings> = {}) => {
      const metrics = new MemoryJobMetrics();
      const runner = makeRunner({ backoffBaseMs: 50, ...settings }, { metrics });
      runners.push(runner);
      await runner.start(registeredJobs(...jobs));
      return { runner, metrics };
    };

    it('runs a queued job once with the data its schema parsed, as attempt 1', async () => {
      const job = new RecordedJob('test.work');
      const { runner, metrics } = await started([job]);
      await runner.enqueue('test.work', { n: 1 });
      await expect.poll(() => metrics.value('test.work', 'completed'), POLL).toBe(1);
      expect(job.runs.map(({ data, attempt }) => ({ data, attempt }))).toEqual([{ data: { n: 1, tag: 'parsed' }, attempt: 1 }]);
    });

    it('retries a failing job with exponential backoff, telling each run its attempt, until it succeeds', async () => {
      const job = new RecordedJob('test.flaky', { attempts: 5 });
      job.script = async (_data, ctx) => {
        if (ctx.attempt < 3) throw new Error('not yet');
      };
      const { runner, metrics } = await started([job], { backoffBaseMs: 100 });
      await runner.enqueue('test.flaky', { n: 1 });
      await expect.poll(() => metrics.value('test.flaky', 'completed'), POLL).toBe(1);
      expect(job.runs.map((run) => run.attempt)).toEqual([1, 2, 3]);
      const [first, second, third] = job.runs.map((run) => run.at) as [number, number, number];
      expect(second - first).toBeGreaterThanOrEqual(100 - TIMER_SLACK_MS);
      expect(third - second).toBeGreaterThanOrEqual(200 - TIMER_SLACK_MS);
      expect(metrics.value('test.flaky', 'retried')).toBe(2);
      expect(await runner.deadLetters()).toEqual([]);
    });

    it('after `attempts` failed runs, keeps the job in the dead letter with a reason free of the error text', async () => {
      const job = new RecordedJob('test.doomed', { attempts: 3 });
      job.script = async () => {
        throw new Error('upstream said: token=s3cr3t');
      };
      const { runner, metrics } = await started([job], { backoffBaseMs: 10 });
      await runner.enqueue('test.doomed', { n: 7 });
      await expect.poll(() => metrics.value('test.doomed', 'dead_lettered'), POLL).toBe(1);
      expect(job.runs.map((run) => run.attempt)).toEqual([1, 2, 3]);
      expect(metrics.value('test.doomed', 'retried')).toBe(2);
      const [letter, ...others] = await runner.deadLetters();
      expect(others).toEqual([]);
      expect(letter).toMatchObject({ name: 'test.doomed', data: { n: 7 }, attempts: 3, reason: 'Error' });
    });

    it('fails a permanent failure at once, recognised by its code whatever copy of the SDK threw it', async () => {
      const job = new RecordedJob('test.permanent');
      // What a plugin bundling its own SDK throws: same code, another class.
      job.script = async () => {
        throw Object.assign(new Error('flow is gone'), { code: 'permanent_job_failure' });
      };
      const { runner, metrics } = await started([job]);
      await runner.enqueue('test.permanent', { n: 1 });
      await expect.poll(() => metrics.value('test.permanent', 'dead_lettered'), POLL).toBe(1);
      expect(job.runs).toHaveLength(1);
      expect(metrics.value('test.permanent', 'retried')).toBe(0);
      const [letter] = await runner.deadLetters();
      expect(letter).toMatchObject({ name: 'test.permanent', attempts: 1, reason: 'permanent_job_failure: flow is gone' });
    });

    it('runs a deferred job again after the delay it asked for, without using an attempt', async () => {
      const job = new RecordedJob('test.later', { attempts: 1 });
      job.script = async () => {
        if (job.runs.length < 3) throw new JobDeferral(60);
      };
      const { runner, metrics } = await started([job]);
      await runner.enqueue('test.later', { n: 1 });
      await expect.poll(() => metrics.value('test.later', 'completed'), POLL).toBe(1);
      expect(job.runs.map((run) => run.attempt)).toEqual([1, 1, 1]);
      const [first, second] = job.runs.map((run) => run.at) as [number, number];
      expect(second - first).toBeGreaterThanOrEqual(60 - TIMER_SLACK_MS);
      expect(metrics.value('test.later', 'retried')).toBe(0);
      expect(await runner.deadLetters()).toEqual([]);
    });

    it('fails data its schema refuses at once, without running the handler', async () => {
      const job = new RecordedJob('test.strict');
      const { runner, metrics } = await started([job]);
      // As a job queued by an older version: the queue takes it, the run refuses it.
      await runner.enqueue('test.strict', { n: 'one', extra: true });
      await expect.poll(() => metrics.value('test.strict', 'dead_lettered'), POLL).toBe(1);
      expect(job.runs).toEqual([]);
      const [letter] = await runner.deadLetters();
      expect(letter?.reason).toMatch(/^permanent_job_failure: .*does not match its schema/);
    });

    it('coalesces runs of one jobId while one is delayed, waits or runs, and takes the id again once it is done', async () => {
      const job = new RecordedJob('test.once');
      const gate = new Gate();
      job.script = () => gate.opened;
      const { runner, metrics } = await started([job]);
      await runner.enqueue('test.once', { n: 1 }, { jobId: 'flow-a', delayMs: 200 });
      await runner.enqueue('test.once', { n: 2 }, { jobId: 'flow-a' });
      await runner.enqueue('test.once', { n: 3 }, { jobId: 'flow-b' });
      await expect.poll(() => job.runs.length, POLL).toBe(2);
      await runner.enqueue('test.once', { n: 4 }, { jobId: 'flow-a' });
      await runner.enqueue('test.once', { n: 5 }, { jobId: 'flow-b' });
      gate.open();
      await expect.poll(() => metrics.value('test.once', 'completed'), POLL).toBe(2);
      expect(job.runs.map((run) => (run.data as { n: number }).n).sort()).toEqual([1, 3]);
      await runner.enqueue('test.once', { n: 6 }, { jobId: 'flow-a' });
      await expect.poll(() => metrics.value('test.once', 'completed'), POLL).toBe(3);
      expect((job.runs[2]?.data as { n: number }).n).toBe(6);
    });

    it('keeps a failing jobId taken while it waits for its retry', async () => {
      const job = new RecordedJob('test.retrying', { attempts: 2 });
      job.script = async (_data, ctx) => {
        if (ctx.attempt === 1) throw new Error('once');
      };
      const { runner, metrics } = await started([job], { backoffBaseMs: 300 });
      await runner.enqueue('test.retrying', { n: 1 }, { jobId: 'x' });
      await expect.poll(() => metrics.value('test.retrying', 'retried'), POLL).toBe(1);
      await runner.enqueue('test.retrying', { n: 2 }, { jobId: 'x' });
      await expect.poll(() => metrics.value('test.retrying', 'completed'), POLL).toBe(1);
      expect(job.runs.map((run) => (run.data as { n: number }).n)).toEqual([1, 1]);
      expect(await runner.backlog()).toBe(0);
    });

    it('keeps only the last deadLetterSize failed jobs, newest first', async () => {
      const job = new RecordedJob('test.reject');
      job.script = async () => {
        throw new PermanentJobError('no');
      };
      const { runner, metrics } = await started([job], { deadLetterSize: 2 });
      for (const n of [1, 2, 3]) {
        await runner.enqueue('test.reject', { n });
        await expect.poll(() => metrics.value('test.reject', 'dead_lettered'), POLL).toBe(n);
      }
      const letters = await runner.deadLetters();
      expect(letters.map((letter) => letter.data)).toEqual([{ n: 3 }, { n: 2 }]);
    });

    it('counts waiting and delayed jobs as its backlog, not running ones', async () => {
      const job = new RecordedJob('test.slow');
      const gate = new Gate();
      job.script = () => gate.opened;
      const { runner, metrics } = await started([job], { concurrency: 1 });
      await runner.enqueue('test.slow', { n: 1 });
      await expect.poll(() => job.runs.length, POLL).toBe(1);
      await runner.enqueue('test.slow', { n: 2 });
      await runner.enqueue('test.slow', { n: 3 }, { delayMs: 60_000 });
      expect(await runner.backlog()).toBe(2);
      gate.open();
      await expect.poll(() => metrics.value('test.slow', 'completed'), POLL).toBe(2);
      expect(await runner.backlog()).toBe(1);
    });

    it('runs an `every` job soon after start, then once per interval', async () => {
      const job = new RecordedJob('test.tick', { every: { intervalMs: 300, data: { n: 0, tag: 'tick' } } });
      const before = Date.now();
      const { metrics } = await started([job]);
      await expect.poll(() => job.runs.length, POLL).toBeGreaterThanOrEqual(1);
      expect((job.runs[0]?.at ?? Infinity) - before).toBeLessThan(2_000);
      expect(job.runs[0]?.data).toEqual({ n: 0, tag: 'tick' });
      await expect.poll(() => metrics.value('test.tick', 'completed'), POLL).toBeGreaterThanOrEqual(3);
      const elapsed = Date.now() - before;
      // One run per interval, plus the one at start: never a burst.
      expect(job.runs.length).toBeLessThanOrEqual(Math.floor(elapsed / 300) + 2);
    });

    it("aborts running jobs' signals on close and waits for them to settle", async () => {
      const job = new RecordedJob('test.long');
      job.script = (_data, ctx) =>
        new Promise<void>((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
      const { runner } = await started([job]);
      await runner.enqueue('test.long', { n: 1 });
      await expect.poll(() => job.runs.length, POLL).toBe(1);
      expect(job.runs[0]?.signal.aborted).toBe(false);
      await runner.close();
      expect(job.runs[0]?.signal.aborted).toBe(true);
      expect(job.settled).toBe(1);
      await expect(runner.enqueue('test.long', { n: 2 })).rejects.toMatchObject({ code: 'job_runner_closed' });
    });

    it('refuses to queue before it starts and names no registered job has', async () => {
      const job = new RecordedJob('test.known');
      const runner = makeRunner({}, {});
      runners.push(runner);
      await expect(runner.enqueue('test.known', { n: 1 })).rejects.toMatchObject({ code: 'job_runner_not_started' });
      await runner.start(registeredJobs(job));
      await expect(runner.enqueue('test.unknown', { n: 1 })).rejects.toMatchObject({ code: 'unknown_job' });
    });
  });
}
