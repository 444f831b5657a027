// Stream leases and demand on a real redis-server, replica by replica: one holder at a time with
// growing fencing tokens, a dead holder's lease and last cursors passing to a replica with
// demand, releases only by the holder, and demand that expires with a replica's heartbeat.
import { randomUUID } from 'node:crypto';

import { afterEach, describe, expect, inject, it } from 'vitest';

import type { LeaseTick, StreamLease } from '../../apps/gateway/src/cluster/lease-tick';
import { RedisStreamLeases } from '../../apps/gateway/src/cluster/redis-stream-leases';

const keyPrefix = `test:replicas-leases:${randomUUID().slice(0, 8)}:`;
const leaseTtlMs = 400;

describe('RedisStreamLeases', () => {
  const open: RedisStreamLeases[] = [];
  const replica = (demandTtlMs = 5_000) => {
    const leases = new RedisStreamLeases({ url: inject('redisUrl'), keyPrefix, leaseTtlMs, demandTtlMs });
    open.push(leases);
    return leases;
  };
  const keysOf = (leases: RedisStreamLeases) => leases.keysOf(`node-file.pods|${randomUUID()}`);
  const acquired = (tick: LeaseTick): StreamLease => {
    if (tick.state !== 'acquired') throw new Error(`expected an acquisition, got ${tick.state}`);
    return tick.lease;
  };

  afterEach(async () => {
    await Promise.all(open.splice(0).map((leases) => leases.close()));
  });

  it('lets one replica hold a stream and tells the others it is busy, while renewals keep it', async () => {
    const [a, b] = [replica(), replica()];
    const keys = keysOf(a);
    const first = await a.tick(keys, true, undefined);
    expect(first).toMatchObject({ state: 'acquired', demand: 1, handover: false, lastCursors: new Map() });
    const lease = acquired(first);
    expect(lease.value).toBe(`${a.replicaId}:${lease.token}`);
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, leaseTtlMs / 2));
      expect(await b.tick(keys, true, undefined)).toEqual({ state: 'busy', demand: 2 });
      expect(await a.tick(keys, true, lease)).toEqual({ state: 'held', demand: 2 });
    }
  });

  it("passes a dead holder's lease and last cursors to a replica with demand once it expires, with a higher token", async () => {
    const [a, b] = [replica(), replica()];
    const keys = keysOf(a);
    const old = acquired(await a.tick(keys, true, undefined));
    expect(await a.recordCursors(keys, old, new Map([['ns/p/c1', '1-1']]))).toBe(true);
    expect(
      await a.recordCursors(
        keys,
        old,
        new Map([
          ['ns/p/c1', '1-2'],
          ['ns/p/c2', '2-1'],
        ]),
      ),
    ).toBe(true);
    const diedAt = Date.now();
    let tick: LeaseTick = await b.tick(keys, true, undefined);
    while (tick.state === 'busy') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      tick = await b.tick(keys, true, undefined);
    }
    expect(Date.now() - diedAt).toBeGreaterThanOrEqual(leaseTtlMs - 50);
    expect(tick).toMatchObject({
      state: 'acquired',
      handover: true,
      lastCursors: new Map([
        ['ns/p/c1', '1-2'],
        ['ns/p/c2', '2-1'],
      ]),
    });
    const next = acquired(tick);
    expect(next.token).toBeGreaterThan(old.token);

    // The old holder learns it lost the stream, and can no longer move the resume point.
    expect(await a.tick(keys, true, old)).toEqual({ state: 'lost', demand: 2 });
    expect(await a.recordCursors(keys, old, new Map([['ns/p/c1', '9-9']]))).toBe(false);
    await b.release(keys, next, { forget: false, ifIdle: false });
    expect(await a.tick(keys, true, undefined)).toMatchObject({
      state: 'acquired',
      lastCursors: new Map([
        ['ns/p/c1', '1-2'],
        ['ns/p/c2', '2-1'],
      ]),
    });
  });

  it('releases a lease only for its holder, and an idle release only while no replica has demand', async () => {
    const [a, b] = [replica(), replica()];
    const keys = keysOf(a);
    const lease = acquired(await a.tick(keys, true, undefined));
    await a.recordCursors(keys, lease, new Map([['ns/p/c', '5-0']]));
    expect(await b.release(keys, { value: `${b.replicaId}:${lease.token}`, token: lease.token }, { forget: true, ifIdle: false })).toBe(
      'not_ours',
    );
    expect(await b.tick(keys, true, undefined)).toEqual({ state: 'busy', demand: 2 });
    expect(await a.tick(keys, false, lease)).toEqual({ state: 'held', demand: 1 });
    expect(await a.release(keys, lease, { forget: true, ifIdle: true })).toBe('wanted');
    expect(await b.tick(keys, false, undefined)).toEqual({ state: 'idle', demand: 0 });
    expect(await a.release(keys, lease, { forget: true, ifIdle: true })).toBe('released');
    // Ended here: the next holder starts afresh, with nothing to resume.
    expect(await b.tick(keys, true, undefined)).toMatchObject({ state: 'acquired', handover: false, lastCursors: new Map() });
  });

  it('hands a lease over at once, keeping the resume point, when its holder shuts down', async () => {
    const [a, b] = [replica(), replica()];
    const keys = keysOf(a);
    const lease = acquired(await a.tick(keys, true, undefined));
    await a.recordCursors(keys, lease, new Map([['ns/p/c', '7-3']]));
    expect(await b.tick(keys, true, undefined)).toMatchObject({ state: 'busy' });
    expect(await a.release(keys, lease, { forget: false, ifIdle: false })).toBe('released');
    expect(await b.tick(keys, true, undefined)).toMatchObject({
      state: 'acquired',
      handover: true,
      lastCursors: new Map([['ns/p/c', '7-3']]),
    });
  });

  it("stops counting a replica's demand once its heartbeat expires", async () => {
    const [holder, listener] = [replica(), replica(500)];
    const keys = keysOf(holder);
    const lease = acquired(await holder.tick(keys, true, undefined));
    expect(await listener.tick(keys, true, undefined)).toEqual({ state: 'busy', demand: 2 });
    expect(await holder.tick(keys, false, lease)).toEqual({ state: 'held', demand: 1 });
    await expect.poll(async () => (await holder.tick(keys, false, lease)).demand, { timeout: 2_000, interval: 50 }).toBe(0);
  });
});
