// Cluster-wide stream supervision with three gateway processes on one Redis, through the real
// socket.io-client: one upstream per stream for listeners on every replica, stopped a grace period
// after the last listener anywhere left; and a killed holder replaced within two lease TTLs by a
// replica that resumes after the last cursors published, so every line arrives once, in order.
import type { SubscribeRequest } from '@tailgate/contracts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type { LogClient } from '../e2e/support/log-client';
import { NumberedLines } from '../e2e/support/numbered-lines';
import { type ReplicaSet, startReplicaSet } from '../e2e/support/replica-set';

const leaseTtlMs = 900;
const idleGraceMs = 300;
const request: SubscribeRequest = { source: 'node-file.pods', selector: { namespace: 'team-a', pod: 'checkout-api' } };
const OPENED = ['tailgate_upstreams_opened_total', 'source="node-file.pods"'] as const;

describe('stream supervision across three replicas', () => {
  let set: ReplicaSet;

  beforeAll(async () => {
    const streams = { leaseTtlMs, demandTtlMs: 3 * leaseTtlMs, idleGraceMs };
    set = await startReplicaSet({ replicas: 3, redisUrl: inject('redisUrl'), name: 'replicas-supervision', streams });
  }, 90_000);
  afterAll(() => set?.stop());

  /** One client per replica, subscribed, each told about the target (so the upstream is open). */
  const listenEverywhere = async (): Promise<LogClient[]> => {
    const clients = await Promise.all(set.replicas.map((replica) => set.connect(replica)));
    for (const client of clients) expect((await client.subscribe(request)).ok).toBe(true);
    for (const client of clients) await client.waitFor(() => client.targets.length === 1, 'the target');
    return clients;
  };

  it('runs one upstream for listeners on every replica, until a grace period after the last one anywhere left', async () => {
    const clients = await listenEverywhere();
    const lines = new NumberedLines(set.writer, 20);
    lines.start();
    // Several lease renewals long: still one upstream, and every line once on every replica.
    await clients[0]!.waitFor(() => clients[0]!.records.length >= 3 * (leaseTtlMs / 20), 'three lease TTLs of lines', 10_000);
    const written = await lines.stop();
    for (const client of clients) {
      await client.waitFor(() => client.records.length === written.length, 'every line');
      expect(client.lines()).toEqual(written);
    }
    expect(await set.sum(set.replicas, ...OPENED)).toBe(1);
    expect(await set.sum(set.replicas, 'tailgate_upstreams_active')).toBe(1);
    const [holder, ...others] = await set.holders();
    expect(others).toEqual([]);

    // Only a listener on another replica is left: the holder keeps running the upstream for it.
    const lastIndex = set.replicas.findIndex((replica) => replica !== holder);
    for (const [i, client] of clients.entries()) if (i !== lastIndex) client.close();
    const last = clients[lastIndex]!;
    await new Promise((resolve) => setTimeout(resolve, idleGraceMs + leaseTtlMs));
    await set.writer.write('for the last listener');
    await last.waitFor(() => last.lines().includes('for the last listener'), 'a line after the others left');
    expect(await holder!.metric('tailgate_upstreams_active')).toBe(1);

    last.close();
    const leftAt = Date.now();
    await expect.poll(() => set.sum(set.replicas, 'tailgate_upstreams_active'), { timeout: 5_000, interval: 25 }).toBe(0);
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(idleGraceMs);
    expect(await set.sum(set.replicas, 'tailgate_stream_leases_held')).toBe(0);
    expect(await set.sum(set.replicas, ...OPENED)).toBe(1);
  });

  it('moves the stream to another replica within two lease TTLs when its holder is killed, every line once and in order', async () => {
    const clients = await listenEverywhere();
    const lines = new NumberedLines(set.writer, 10);
    lines.start();
    await Promise.all(clients.map((client) => client.waitFor(() => client.records.length >= 20, 'the stream under way')));
    const [holder] = await set.holders();
    const survivors = set.replicas.filter((replica) => replica !== holder);
    const listening = clients.filter((_, i) => set.replicas[i] !== holder);
    // When each survivor's client first gets a line written after the kill (so from the new holder).
    const firstNew = new Map<LogClient, number>();
    let writtenAtKill = Infinity;
    for (const client of listening) {
      client.socket.on('records', ({ batch }) => {
        if (!firstNew.has(client) && batch.some((record) => Number(record.line.slice('line-'.length)) > writtenAtKill)) {
          firstNew.set(client, Date.now());
        }
      });
    }

    writtenAtKill = lines.written.length;
    holder!.kill('SIGKILL');
    const killedAt = Date.now();
    await expect.poll(() => set.sum(survivors, 'tailgate_stream_leases_held'), { timeout: 4 * leaseTtlMs, interval: 20 }).toBe(1);
    const takeoverMs = Date.now() - killedAt;
    await Promise.all(
      listening.map((client) => client.waitFor(() => client.records.length >= lines.written.length - 5, 'the stream again')),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const written = await lines.stop();
    const resumedMs = Math.max(...firstNew.values()) - killedAt;

    console.info(`takeover after SIGKILL: lease ${takeoverMs} ms, records again after ${resumedMs} ms (lease TTL ${leaseTtlMs} ms)`);
    expect(takeoverMs).toBeLessThan(2 * leaseTtlMs);
    expect(firstNew.size).toBe(listening.length);
    expect(resumedMs).toBeLessThan(2 * leaseTtlMs);
    expect(await set.sum(survivors, 'tailgate_stream_takeovers_total')).toBe(1);
    expect(await set.sum(survivors, 'tailgate_upstreams_active')).toBe(1);
    for (const client of listening) {
      await client.waitFor(() => client.records.length >= written.length, 'every line', 10_000);
      expect(client.lines()).toEqual(written);
    }
  });
});
