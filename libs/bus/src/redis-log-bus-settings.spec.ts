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
      cluster: false,
      clusterNodes: [],
      replay: { maxMessages: 100, maxAgeMs: 60_000 },
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

  it('takes further seed nodes only for a cluster', () => {
    const url = 'redis://10.0.0.1:7000';
    const seeds = { url, cluster: true, clusterNodes: ['redis://10.0.0.2:7000', 'rediss://:pw@10.0.0.3:7000'] };
    expect(RedisLogBusSettingsSchema.parse(seeds).clusterNodes).toHaveLength(2);
    expect(RedisLogBusSettingsSchema.safeParse({ ...seeds, cluster: false }).success).toBe(false);
    expect(RedisLogBusSettingsSchema.safeParse({ url, cluster: true, clusterNodes: ['10.0.0.2:7000'] }).success).toBe(false);
  });

  it('bounds the replay buffer and lets 0 messages turn it off', () => {
    const url = 'redis://127.0.0.1:6379';
    expect(RedisLogBusSettingsSchema.parse({ url, replay: { maxMessages: 0 } }).replay).toEqual({ maxMessages: 0, maxAgeMs: 60_000 });
    expect(RedisLogBusSettingsSchema.safeParse({ url, replay: { maxMessages: -1 } }).success).toBe(false);
    expect(RedisLogBusSettingsSchema.safeParse({ url, replay: { maxAgeMs: 10 } }).success).toBe(false);
    expect(RedisLogBusSettingsSchema.safeParse({ url, replay: { size: 5 } }).success).toBe(false);
  });
});
