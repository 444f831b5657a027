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

  it('gives the in-process bus its replay bounds', async () => {
    const bus = createLogBus({ kind: 'in-process', replay: { maxMessages: 1 } });
    await bus.publish('c', 'a');
    await bus.publish('c', 'b');
    expect((await bus.replay('c')).messages.map(({ message }) => message)).toEqual(['b']);
    await bus.close();
  });

  it('accepts a cluster with seed nodes and refuses seed nodes without cluster', () => {
    const cluster = { kind: 'redis', url: 'redis://10.0.0.1:7000', cluster: true, clusterNodes: ['redis://10.0.0.2:7000'] } as const;
    expect(LogBusConfigSchema.parse(cluster)).toMatchObject({ cluster: true, clusterNodes: ['redis://10.0.0.2:7000'] });
    expect(LogBusConfigSchema.safeParse({ ...cluster, cluster: false }).success).toBe(false);
  });
});
