import { describe, expect, it } from 'vitest';

import { parseConfig } from './load-config';
import { JobsConfigSchema } from './tailgate-config.schema';

describe('jobs settings', () => {
  it('default every setting, so a tailgate.yaml without `jobs` runs jobs', () => {
    const parsed = parseConfig({});
    expect(parsed.ok && parsed.config.jobs).toEqual({
      concurrency: 4,
      backoffBaseMs: 1_000,
      deadLetterSize: 1_000,
      maxQueued: 10_000,
      lockMs: 30_000,
      stalledIntervalMs: 30_000,
      http: { host: '0.0.0.0', port: 9103 },
    });
  });

  it('refuse values a runner cannot work with, naming each setting', () => {
    const parsed = parseConfig({ jobs: { concurrency: 0, deadLetterSize: 0, lockMs: -1, http: { port: 70_000 }, retries: 3 } });
    expect(parsed.ok).toBe(false);
    const problems = parsed.ok ? [] : parsed.problems.join('\n');
    for (const path of ['jobs.concurrency', 'jobs.deadLetterSize', 'jobs.lockMs', 'jobs.http.port', 'jobs'])
      expect(problems).toContain(`${path}:`);
    expect(problems).toContain('retries');
  });

  it('describe every setting for the README table', () => {
    const described = (schema: { description?: string }): boolean => typeof schema.description === 'string';
    const { http, ...rest } = JobsConfigSchema.unwrap().shape;
    for (const schema of [...Object.values(rest), ...Object.values(http.unwrap().shape)]) expect(described(schema)).toBe(true);
  });
});
