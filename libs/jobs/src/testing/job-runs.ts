// Jobs for runner tests: each run is recorded (data, attempt, time), and what a run does next is
// scripted per test — succeed, throw, or wait for a gate the test opens.
import type { RegisteredJob } from '@tailgate/plugin-host';
import type { JobContext, JobDefinition } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import type { RegisteredJobs } from '../job-runner';

export interface RecordedRun {
  readonly data: unknown;
  readonly attempt: number;
  readonly at: number;
  readonly signal: AbortSignal;
}

/** `n` and a `tag` the schema defaults: a handler seeing `tag` saw parsed data. */
export const TEST_JOB_DATA = z.strictObject({ n: z.number().int(), tag: z.string().default('parsed') });
export type TestJobData = z.output<typeof TEST_JOB_DATA>;

export interface RecordedJobOptions {
  readonly attempts?: number;
  /** Data as queued: the schema fills in `tag` on each run. */
  readonly every?: { readonly intervalMs: number; readonly data: z.input<typeof TEST_JOB_DATA> };
}

export type RunScript = (data: TestJobData, ctx: JobContext) => Promise<void>;

/** One test job: its runs, and the script each run follows (default: succeed). */
export class RecordedJob {
  readonly runs: RecordedRun[] = [];
  /** Runs that returned or threw. */
  settled = 0;
  script: RunScript = async () => undefined;

  constructor(
    readonly name: string,
    private readonly options: RecordedJobOptions = {},
  ) {}

  registered(): RegisteredJob {
    const [pluginId = '', local = ''] = this.name.split('.');
    const definition: JobDefinition<TestJobData> = {
      name: local,
      data: TEST_JOB_DATA,
      ...(this.options.attempts !== undefined && { attempts: this.options.attempts }),
      // Queued as the plugin wrote it, as BullMQ stores it: the run parses it.
      ...(this.options.every !== undefined && { every: this.options.every as { intervalMs: number; data: TestJobData } }),
      handle: async (data, ctx) => {
        this.runs.push({ data, attempt: ctx.attempt, at: Date.now(), signal: ctx.signal });
        try {
          await this.script(data, ctx);
        } finally {
          this.settled += 1;
        }
      },
    };
    return { pluginId, definition };
  }
}

export function registeredJobs(...jobs: readonly RecordedJob[]): RegisteredJobs {
  return new Map(jobs.map((job) => [job.name, job.registered()]));
}

/** A promise the test resolves when it wants: lets a run hold until the test has checked something. */
export class Gate {
  readonly opened: Promise<void>;
  open: () => void = () => undefined;

  constructor() {
    this.opened = new Promise<void>((resolve) => {
      this.open = resolve;
    });
  }
}
