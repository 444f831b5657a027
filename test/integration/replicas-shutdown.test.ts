// SIGTERM to the replica running a stream, with three gateway processes on one Redis: it exits 0,
// hands the stream over at once (no waiting for its lease to expire), ends its clients'
// subscriptions with `shutdown` and disconnects them; they resume on another replica, and with
// what they had, every client has every line exactly once.
import type { SubscribeRequest } from '@tailgate/contracts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type { LogClient } from '../e2e/support/log-client';
import { NumberedLines } from '../e2e/support/numbered-lines';
import { type ReplicaSet, startReplicaSet } from '../e2e/support/replica-set';

// Long enough that a handover waiting for the lease to expire (at least two thirds of it after
// the last renewal) could not pass for a prompt one.
const leaseTtlMs = 3_000;
const request: SubscribeRequest = { source: 'node-file.pods', selector: { namespace: 'team-a', pod: 'checkout-api' } };
const TARGET = 'team-a/checkout-api/api';

describe('a replica shutting down', () => {
  let set: ReplicaSet;

  beforeAll(async () => {
    const streams = { leaseTtlMs, demandTtlMs: 3 * leaseTtlMs, idleGraceMs: 300 };
    set = await startReplicaSet({ replicas: 3, redisUrl: inject('redisUrl'), name: 'replicas-shutdown', streams });
  }, 90_000);
  afterAll(() => set?.stop());

  it('hands its stream over and sends its clients elsewhere, where they resume without a gap or a repeat', async () => {
    const users = ['alice', 'carol', 'alice', 'carol', 'alice', 'carol'];
    const clients = await Promise.all(users.map((user, i) => set.connect(set.replicas[i % 3]!, user)));
    for (const client of clients) expect((await client.subscribe(request)).ok).toBe(true);
    for (const client of clients) await client.waitFor(() => client.targets.length === 1, 'the target');
    const lines = new NumberedLines(set.writer, 10);
    lines.start();
    await Promise.all(clients.map((client) => client.waitFor(() => client.records.length >= 20, 'the stream under way')));
    const [holder] = await set.holders();
    const survivors = set.replicas.filter((replica) => replica !== holder);
    const leaving = clients.filter((_, i) => set.replicas[i % 3] === holder);
    const staying = clients.filter((client) => !leaving.includes(client));

    holder!.kill('SIGTERM');
    const terminatedAt = Date.now();
    await expect.poll(() => set.sum(survivors, 'tailgate_stream_leases_held'), { timeout: 2 * leaseTtlMs, interval: 20 }).toBe(1);
    const handoverMs = Date.now() - terminatedAt;
    expect(handoverMs).toBeLessThan((2 * leaseTtlMs) / 3);
    const resumed: LogClient[] = [];
    for (const [i, client] of leaving.entries()) {
      await client.waitFor(() => client.ended.length === 1 && !client.socket.connected, 'the end and the disconnect');
      expect(client.ended.map((ended) => ended.reason)).toEqual(['shutdown']);
      const again = await set.connect(survivors[i % survivors.length]!, users[clients.indexOf(client)]);
      const resume = { [TARGET]: client.records.at(-1)!.cursor };
      expect((await again.subscribe({ ...request, resume })).ok).toBe(true);
      resumed.push(again);
    }
    expect(await holder!.exited).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const written = await lines.stop();

    console.info(`handover after SIGTERM: ${handoverMs} ms (lease TTL ${leaseTtlMs} ms)`);
    expect(await set.sum(survivors, 'tailgate_stream_takeovers_total')).toBe(1);
    for (const [i, client] of leaving.entries()) {
      const again = resumed[i]!;
      await again.waitFor(() => client.records.length + again.records.length >= written.length, 'every line', 10_000);
      expect([...client.lines(), ...again.lines()]).toEqual(written);
    }
    for (const client of staying) {
      await client.waitFor(() => client.records.length >= written.length, 'every line', 10_000);
      expect(client.lines()).toEqual(written);
    }
  });
});
