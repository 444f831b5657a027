// What only the in-process runner has: a bound on queued jobs (the shared behaviour is in
// test/integration/jobs-runners.test.ts, run against both runners).
import { describe, expect, it } from 'vitest';

import { InProcessJobRunner } from './in-process-job-runner';
import { Gate, RecordedJob, registeredJobs } from './testing/job-runs';

describe('InProcessJobRunner', () => {
  it('refuses a job past maxQueued with job_queue_full, and takes jobs again once some finished', async () => {
    const job = new RecordedJob('test.held');
    const gate = new Gate();
    job.script = () => gate.opened;
    const runner = new InProcessJobRunner({ concurrency: 1, maxQueued: 3 });
    await runner.start(registeredJobs(job));
    for (const n of [1, 2, 3]) await runner.enqueue('test.held', { n });
    await expect(runner.enqueue('test.held', { n: 4 })).rejects.toMatchObject({ code: 'job_queue_full' });
    gate.open();
    await expect.poll(() => job.settled).toBe(3);
    await runner.enqueue('test.held', { n: 5 });
    await expect.poll(() => job.settled).toBe(4);
    await runner.close();
  });
});
