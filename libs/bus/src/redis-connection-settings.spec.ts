// Connection settings defaults and the reconnect backoff curve.
import { describe, expect, it } from 'vitest';

import { reconnectDelayMs, RedisConnectionSettingsSchema } from './redis-connection-settings';

describe('RedisConnectionSettingsSchema', () => {
  it('fills every documented default', () => {
    expect(RedisConnectionSettingsSchema.parse({})).toEqual({
      connectionNamePrefix: 'tailgate',
      connectTimeoutMs: 10_000,
      reconnectMaxDelayMs: 2_000,
    });
  });

  it('refuses a connection name Redis would refuse, and unknown settings', () => {
    expect(RedisConnectionSettingsSchema.safeParse({ connectionNamePrefix: 'my app' }).success).toBe(false);
    expect(RedisConnectionSettingsSchema.safeParse({ connectTimeoutMs: 0 }).success).toBe(false);
    expect(RedisConnectionSettingsSchema.safeParse({ retries: 3 }).success).toBe(false);
  });
});

describe('reconnectDelayMs', () => {
  it('doubles from 50 ms and stops growing at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => reconnectDelayMs(attempt, 2_000))).toEqual([50, 100, 200, 400, 800, 1_600, 2_000]);
  });

  it('stays finite and capped for very long outages', () => {
    expect(reconnectDelayMs(10_000, 2_000)).toBe(2_000);
    expect(reconnectDelayMs(0, 2_000)).toBe(50);
  });
});
