// The first subscriber of a stream on Redis: its replica takes the stream's lease (a round trip)
// before the upstream opens at the end of the file. The acknowledgement waits for that, so every
// line written after it arrives; before, it went out first and the lines written meanwhile were
// lost (S1-redis's warm-up with Tailgate in its own process lost its first 3,000–13,000 of 25,000
// lines and then waited for them until its timeout). A second replica's subscriber, on a stream
// another replica runs, is acknowledged at once.
import { performance } from 'node:perf_hooks';

import type { SubscribeRequest } from '@tailgate/contracts';
import { podStreamKey, type PodSelector } from '@tailgate/cri-logs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';

import { streamLeaseKeys } from '../../apps/gateway/src/cluster/stream-lease-keys';
import { type ReplicaSet, startReplicaSet } from '../e2e/support/replica-set';

// Far longer than a lease round trip: an acknowledgement that waited for the lease to expire, or
// for a fallback timer of that length, could not pass for a prompt one.
const leaseTtlMs = 5_000;
const LINES = 2_000;
/** Expired demand entries the lease script clears on its next run: it then takes about 70 ms (on this machine). */
const STALE_DEMAND = 400_000;

describe('the first subscriber of a stream on Redis', () => {
  let set: ReplicaSet;
  let redis: Redis;

  beforeAll(async () => {
    const streams = { leaseTtlMs, demandTtlMs: 3 * leaseTtlMs, idleGraceMs: 300 };
    set = await startReplicaSet({ replicas: 2, redisUrl: inject('redisUrl'), name: 'replicas-first-subscriber', streams });
    redis = new Redis(inject('redisUrl'));
  }, 90_000);
  afterAll(async () => {
    redis?.disconnect();
    await set?.stop();
  });

  /**
   * Makes the next lease step of the stream slow, as on a busy Redis or gateway: the window
   * between the acknowledgement and the upstream's start, a few milliseconds on an idle machine,
   * becomes wide enough that a write in it is certain.
   */
  const slowLeaseStep = async (selector: PodSelector, entries = STALE_DEMAND): Promise<void> => {
    const keyPrefix = set.world.config.redis?.keyPrefix ?? '';
    const { demand } = streamLeaseKeys(keyPrefix, `node-file.pods|${podStreamKey(selector)}`);
    const pipeline = redis.pipeline();
    for (let i = 0; i < entries; i += 10_000) {
      pipeline.zadd(demand, ...Array.from({ length: 10_000 }, (_, j) => [1 + i + j, `gone-${i + j}`]).flat());
    }
    await pipeline.exec();
  };

  /** Polls a condition the gateway has no event for (its metrics), every 10 ms, up to 5 s. */
  const until = async (condition: () => Promise<boolean>, what: string): Promise<void> => {
    for (const deadline = Date.now() + 5_000; !(await condition());) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  /** Appends `LINES` numbered lines in one write; returns them. */
  const writeBurst = async (tag: string): Promise<string[]> => {
    const lines = Array.from({ length: LINES }, (_, i) => `${tag}-${String(i + 1).padStart(5, '0')}`);
    await set.writer.writeMany(lines);
    return lines;
  };

  it('receives every line written right after its acknowledgement, on a stream nobody ran yet', async () => {
    const selector = { namespace: 'team-a', pod: 'checkout-api' };
    await slowLeaseStep(selector);
    const client = await set.connect(set.replicas[0]!);
    expect((await client.subscribe({ source: 'node-file.pods', selector })).ok).toBe(true);
    const written = await writeBurst('first');
    await client.waitFor(() => client.lines().length >= LINES, `all ${LINES} lines`);
    expect(client.lines()).toEqual(written);
    expect(client.gaps).toEqual([]);
    expect(client.violations).toEqual([]);
    expect(await set.sum(set.replicas, 'tailgate_upstreams_opened_total')).toBe(1);
  });

  it('is acknowledged promptly on a replica whose stream another replica runs, and misses nothing after it', async () => {
    const request: SubscribeRequest = { source: 'node-file.pods', selector: { namespace: 'team-a', pod: 'checkout-api' } };
    const [holder] = await set.holders();
    expect(holder).toBeDefined();
    const other = set.replicas.find((replica) => replica !== holder)!;
    const client = await set.connect(other);
    const askedAt = performance.now();
    expect((await client.subscribe(request)).ok).toBe(true);
    expect(performance.now() - askedAt).toBeLessThan(leaseTtlMs / 2);
    const written = await writeBurst('other');
    await client.waitFor(() => client.lines().length >= LINES, `all ${LINES} lines`);
    expect(client.lines()).toEqual(written);
    expect(client.violations).toEqual([]);
  });

  it('keeps no listener and no upstream of a client that left while its acknowledgement waited for the lease', async () => {
    const selector = { namespace: 'team-a' };
    const [replica] = set.replicas;
    const listenersBefore = await replica!.metric('tailgate_listeners_active');
    const leasesBefore = await replica!.metric('tailgate_stream_leases_held');
    // A lease step of about 300 ms; the client leaves 30 ms after asking, while it runs.
    await slowLeaseStep(selector, 4 * STALE_DEMAND);
    const client = await set.connect(replica!);
    const acked = vi.fn();
    client.socket.emit('subscribe', { source: 'node-file.pods', selector }, acked);
    await new Promise((resolve) => setTimeout(resolve, 30));
    client.close();
    // Still claiming once the client had left: the path under test, not one after the acknowledgement.
    expect(await replica!.metric('tailgate_stream_leases_held')).toBe(leasesBefore);
    // The stream's upstream, started once the lease came, stops after the idle grace.
    await until(async () => (await replica!.metric('tailgate_stream_leases_held')) === leasesBefore + 1, 'the lease taken');
    await until(async () => (await replica!.metric('tailgate_upstreams_active')) === 1, 'only the first stream left running');
    expect(await replica!.metric('tailgate_listeners_active')).toBe(listenersBefore);
    expect(acked).not.toHaveBeenCalled();
  });
});
