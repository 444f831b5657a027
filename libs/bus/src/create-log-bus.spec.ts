// Bus selection from configuration, validated before anything connects.
import { describe, expect, it } from 'vitest';

import { createLogBus, LogBusConfigSchema } from './create-log-bus';
import { InProcessLogBus } from './in-process-log-bus';

describe('createLogBus', () => {
  it('creates the in-process bus when no Redis is configured', async () => {
    const bus = createLogBus({ kind: 'in-process' });
    expect(bus).toBeInstanceOf(InProcessLogBus);
    await bus.close();
  });

  it('refuses a Redis config without a URL or with unknown settings, before connecting anywhere', () => {
    expect(() => createLogBus({ kind: 'redis' } as never)).toThrow();
    expect(LogBusConfigSchema.safeParse({ kind: 'redis', url: 'redis://h:1', keyprefix: 'x' }).success).toBe(false);
    expect(LogBusConfigSchema.safeParse({ kind: 'kafka' }).success).toBe(false);
  });

  it('fills the Redis defaults, including the "tailgate:" key prefix', () => {
    expect(LogBusConfigSchema.parse({ kind: 'redis', url: 'redis://127.0.0.1:6379' })).toMatchObject({
      kind: 'redis',
      keyPrefix: 'tailgate:',
      connectTimeoutMs: 10_000,
    });
  });
});
