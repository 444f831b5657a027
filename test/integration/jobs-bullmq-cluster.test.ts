// The BullMQ runner on a real three-master Redis Cluster: the whole runner conformance suite, and
// every key of the queue in the one slot of its hash-tagged prefix (BullMQ's scripts need that).
import { randomUUID } from 'node:crypto';

import { clusterKeySlot, closeRedisConnection, createRedisConnections } from '@tailgate/bus';
import { BullmqJobRunner, bullmqPrefix } from '@tailgate/jobs';
import { describeJobRunner, RecordedJob, registeredJobs } from '@tailgate/jobs/testing';
import { describe, expect, it } from 'vitest';

import { useRedisCluster } from '../support/redis-cluster-suite';

const running = useRedisCluster();

function clusterRunner(keyPrefix: string, settings = {}): BullmqJobRunner {
  const [url = '', ...clusterNodes] = running().urls;
  return new BullmqJobRunner({ redis: { url, cluster: true, clusterNodes, keyPrefix }, mode: 'worker', settings });
}

describeJobRunner('bullmq on redis cluster', (settings, hooks) => {
  const [url = '', ...clusterNodes] = running().urls;
  const keyPrefix = `test:jobs-cluster:${randomUUID()}:`;
  return new BullmqJobRunner({ redis: { url, cluster: true, clusterNodes, keyPrefix }, mode: 'worker', settings, ...hooks });
});

describe('BullMQ job runner on Redis Cluster', () => {
  it('keeps every key of its queue on the node serving the slot of its prefix', async () => {
    const keyPrefix = `test:jobs-cluster:${randomUUID()}:`;
    const runner = clusterRunner(keyPrefix, { backoffBaseMs: 10 });
    const job = new RecordedJob('test.spread', { attempts: 2, every: { intervalMs: 60_000, data: { n: 0 } } });
    job.script = async (_data, ctx) => {
      if (ctx.attempt === 1) throw new Error('retry me');
    };
    try {
      await runner.start(registeredJobs(job));
      for (const n of [1, 2, 3]) await runner.enqueue('test.spread', { n }, { jobId: `id-${n}`, delayMs: n === 3 ? 60_000 : 0 });
      await expect.poll(() => job.runs.filter((run) => run.attempt === 2).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      const prefix = bullmqPrefix(keyPrefix);
      const owner = running().nodeForSlot(clusterKeySlot(prefix));
      const admin = createRedisConnections(owner.url, { role: 'commands', connectionNamePrefix: 'jobs-cluster-admin' });
      try {
        const keys = await admin.keys(`${prefix}*`);
        // The queue's meta, its waiting, delayed and scheduler keys, at least.
        expect(keys.length).toBeGreaterThan(3);
        expect(new Set(keys.map(clusterKeySlot))).toEqual(new Set([clusterKeySlot(prefix)]));
      } finally {
        await closeRedisConnection(admin);
      }
    } finally {
      await runner.close();
    }
  });
});
