// One run of a registered job, the same in both runners: the data is parsed with the job's
// schema on every run (a job queued by an older version fails cleanly), then handed to `handle`.
import { type JobContext, PermanentJobError } from '@tailgate/plugin-sdk';

import type { RegisteredJobs } from './job-runner';

export async function runJob(jobs: RegisteredJobs, name: string, data: unknown, ctx: JobContext): Promise<void> {
  const job = jobs.get(name);
  // Queued by a process that carries a plugin this one does not: no retry can fix that here.
  if (job === undefined) throw new PermanentJobError(`no enabled plugin registered the job ${name}`);
  const parsed = job.definition.data.safeParse(data);
  if (!parsed.success) throw new PermanentJobError(`the data of job ${name} does not match its schema`);
  await job.definition.handle(parsed.data, ctx);
}
