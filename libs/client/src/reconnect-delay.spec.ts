import { describe, expect, it } from 'vitest';

import { reconnectDelay, reconnectSettings } from './reconnect-delay';

describe('reconnectDelay', () => {
  const settings = reconnectSettings({ initialDelayMs: 100, maxDelayMs: 1_000 });

  it('doubles from the first delay up to the longest', () => {
    expect([1, 2, 3, 4, 5, 10].map((attempt) => reconnectDelay(attempt, settings, () => 0.999_999))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('waits at least half of it, whatever the jitter', () => {
    expect([1, 2, 5].map((attempt) => reconnectDelay(attempt, settings, () => 0))).toEqual([50, 100, 500]);
  });

  it('defaults to 250 ms, 10 s and no limit on attempts', () => {
    expect(reconnectSettings()).toEqual({ initialDelayMs: 250, maxDelayMs: 10_000, maxAttempts: Number.POSITIVE_INFINITY });
  });
});
