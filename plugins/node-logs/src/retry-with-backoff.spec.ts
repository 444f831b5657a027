import { InputError, UpstreamUnavailableError } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { withRetries } from './retry-with-backoff';

const policy = { retries: 3, initialDelayMs: 1, maxDelayMs: 4 };

function failing(times: number, error: Error) {
  let calls = 0;
  return {
    attempt: async () => {
      calls++;
      if (calls <= times) throw error;
      return 'ok';
    },
    calls: () => calls,
  };
}

describe('withRetries', () => {
  it('retries upstream failures, waiting twice as long each time up to the cap', async () => {
    const delays: number[] = [];
    const op = failing(3, new UpstreamUnavailableError('503'));
    await expect(withRetries(op.attempt, policy, new AbortController().signal, (_, ms) => delays.push(ms))).resolves.toBe('ok');
    expect(op.calls()).toBe(4);
    expect(delays).toEqual([1, 2, 4]);
  });

  it('gives up after the last retry with the upstream error', async () => {
    const op = failing(10, new UpstreamUnavailableError('503'));
    await expect(withRetries(op.attempt, policy, new AbortController().signal)).rejects.toMatchObject({ code: 'upstream_unavailable' });
    expect(op.calls()).toBe(4);
  });

  it('never retries what asking again cannot fix', async () => {
    const op = failing(1, new InputError('bad query'));
    await expect(withRetries(op.attempt, policy, new AbortController().signal)).rejects.toMatchObject({ code: 'invalid_request' });
    expect(op.calls()).toBe(1);
  });

  it('stops retrying once aborted', async () => {
    const controller = new AbortController();
    const op = failing(10, new UpstreamUnavailableError('503'));
    const run = withRetries(op.attempt, { retries: 10, initialDelayMs: 60_000, maxDelayMs: 60_000 }, controller.signal);
    controller.abort();
    await expect(run).rejects.toThrow();
    expect(op.calls()).toBe(1);
  });
});
