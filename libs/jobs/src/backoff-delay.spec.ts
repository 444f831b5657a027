import { describe, expect, it } from 'vitest';

import { backoffDelayMs } from './backoff-delay';

describe('backoffDelayMs', () => {
  it('doubles from the base with each failed run', () => {
    expect([1, 2, 3, 4].map((failed) => backoffDelayMs(failed, 1_000))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('never waits more than a day, however many runs failed', () => {
    expect(backoffDelayMs(1_000, 1_000)).toBe(86_400_000);
  });
});
