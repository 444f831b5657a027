// Redis restarted (its data lost) in the middle of a stream followed on three gateway replicas:
// every replica's bus reconnects, the stream's lease is taken again, and what went missing on
// the bus meanwhile is read back from the source after the last record each replica delivered,
// so every client still gets every line once, in order, with no gap to report.
import { type RedisServer, startRedisServer } from '@tailgate/testing';
import type { SubscribeRequest } from '@tailgate/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NumberedLines } from '../e2e/support/numbered-lines';
import { type ReplicaSet, startReplicaSet } from '../e2e/support/replica-set';

const leaseTtlMs = 900;
const request: SubscribeRequest = { source: 'node-file.pods', selector: { namespace: 'team-a', pod: 'checkout-api' } };

describe('a Redis restart in the middle of a stream on three replicas', () => {
  let redis: RedisServer;
  let set: ReplicaSet;

  beforeAll(async () => {
    redis = await startRedisServer();
    const streams = { leaseTtlMs, demandTtlMs: 3 * leaseTtlMs, idleGraceMs: 300 };
    set = await startReplicaSet({ replicas: 3, redisUrl: redis.url, name: 'replicas-redis-restart', streams });
  }, 90_000);
  afterAll(async () => {
    await set?.stop();
    await redis?.stop();
  });

  it('recovers on every replica and fills what the bus lost from the source: every line once, in order', async () => {
    const clients = await Promise.all(set.replicas.map((replica) => set.connect(replica)));
    for (const client of clients) expect((await client.subscribe(request)).ok).toBe(true);
    for (const client of clients) await client.waitFor(() => client.targets.length === 1, 'the target');
    const lines = new NumberedLines(set.writer, 10);
    lines.start();
    await Promise.all(clients.map((client) => client.waitFor(() => client.records.length >= 20, 'the stream under way')));

    await redis.restart();
    // Lines written after the restart reach every client: the stream runs again.
    const afterRestart = lines.written.length;
    await Promise.all(
      clients.map((client) => client.waitFor(() => client.records.length > afterRestart + 20, 'lines after the restart', 15_000)),
    );
    const written = await lines.stop();
    for (const client of clients) {
      await client.waitFor(() => client.records.length >= written.length, 'every line', 10_000);
      expect(client.lines()).toEqual(written);
      expect(client.gaps).toEqual([]);
      expect(client.ended).toEqual([]);
    }
    // The replicas noticed: what the restart cost the bus was read back from the source.
    expect(await set.sum(set.replicas, 'tailgate_records_read_back_total')).toBeGreaterThan(0);
    // One upstream again: a holder that lost its lease with Redis's data stops at its next renewal,
    // within a lease TTL of the new holder starting (fencing keeps its last batches off the bus).
    await expect.poll(() => set.sum(set.replicas, 'tailgate_upstreams_active'), { timeout: leaseTtlMs, interval: 50 }).toBe(1);
  }, 60_000);
});
