import { InputError, PermanentJobError } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { failureOutcome, failureReason } from './job-failure';

describe('failureOutcome', () => {
  it('retries an ordinary error while attempts remain, then dead-letters it', () => {
    expect(failureOutcome(new Error('x'), 1, 3)).toBe('retried');
    expect(failureOutcome(new Error('x'), 3, 3)).toBe('dead_lettered');
  });

  it('dead-letters a permanent failure at once, by its code rather than its class', () => {
    expect(failureOutcome(new PermanentJobError('gone'), 1, 5)).toBe('dead_lettered');
    expect(failureOutcome({ code: 'permanent_job_failure' }, 1, 5)).toBe('dead_lettered');
  });
});

describe('failureReason', () => {
  it("keeps a plugin error's code and message, but only the code or name of anything else", () => {
    expect(failureReason(new InputError('bad flow name'))).toBe('invalid_request: bad flow name');
    expect(failureReason(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(failureReason(new TypeError('Bearer abc.def leaked'))).toBe('TypeError');
  });
});
