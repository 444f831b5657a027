// RedisLogBus settings: the documented defaults and what is refused.
import { describe, expect, it } from 'vitest';

import { RedisLogBusSettingsSchema } from './redis-log-bus-settings';

describe('RedisLogBusSettingsSchema', () => {
  it('needs only a URL and fills every documented default', () => {
    expect(RedisLogBusSettingsSchema.parse({ url: 'redis://127.0.0.1:6379' })).toEqual({
      url: 'redis://127.0.0.1:6379',
      keyPrefix: 'tailgate:',
      connectionNamePrefix: 'tailgate',
      connectTimeoutMs: 10_000,
      reconnectMaxDelayMs: 2_000,
    });
  });

  it('refuses a missing or non-Redis URL', () => {
    expect(RedisLogBusSettingsSchema.safeParse({}).success).toBe(false);
    expect(RedisLogBusSettingsSchema.safeParse({ url: 'http://127.0.0.1:6379' }).success).toBe(false);
  });

  it('refuses a key prefix that is empty or would move the cluster hash tag', () => {
    const url = 'redis://127.0.0.1:6379';
    expect(RedisLogBusSettingsSchema.safeParse({ url, keyPrefix: '' }).success).toBe(false);
    expect(RedisLogBusSettingsSchema.safeParse({ url, keyPrefix: 'a{b}:' }).success).toBe(false);
    expect(RedisLogBusSettingsSchema.parse({ url, keyPrefix: 'team-a:' }).keyPrefix).toBe('team-a:');
  });
});
