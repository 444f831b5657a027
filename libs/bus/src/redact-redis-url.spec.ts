// Redis URLs in logs never carry the password.
import { describe, expect, it } from 'vitest';

import { redactRedisUrl } from './redact-redis-url';

describe('redactRedisUrl', () => {
  it('masks the password and keeps user, host, port and database', () => {
    expect(redactRedisUrl('redis://app:s3cr%40t@redis.svc:6380/2')).toBe('redis://app:***@redis.svc:6380/2');
  });

  it('masks a password given without a user', () => {
    const redacted = redactRedisUrl('rediss://:hunter2@10.0.0.1:6379');
    expect(redacted).toBe('rediss://:***@10.0.0.1:6379');
    expect(redacted).not.toContain('hunter2');
  });

  it('leaves a URL without a password unchanged', () => {
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('never echoes a string it cannot parse, since it may hold a secret', () => {
    expect(redactRedisUrl('not a url with secret')).toBe('(unparsable Redis URL)');
  });
});
