// Resume through the real socket.io-client: a client that comes back with its last cursors gets
// exactly what it missed, once each, in order per container — whether the shared upstream kept
// running meanwhile or had stopped — and malformed resume requests are refused.
import type { WireRecord } from '@tailgate/contracts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import type { LogClient } from './support/log-client';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

const source = 'node-file.pods';
const selector = { namespace: 'team-a' };
const keyOf = (r: WireRecord) => `${r.ns}/${r.pod}/${r.container}`;

/** The last cursor the client received per target: what it would send back as `resume`. */
function lastCursors(records: readonly WireRecord[]): Record<string, string> {
  return Object.fromEntries(records.map((r) => [keyOf(r), r.cursor]));
}

function linesByPod(records: readonly WireRecord[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of records) (out[r.pod] ??= []).push(r.line);
  return out;
}

describe.each([
  ['in-process bus', () => undefined],
  ['Redis bus', () => inject('redisUrl')],
])('resume on the %s', (_, redisUrl) => {
  let demo: DemoGateway;
  const api = () => demo.writers.get('checkout-api')!;
  const worker = () => demo.writers.get('payments-worker')!;

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS, redisUrl());
  });
  afterAll(async () => {
    await demo.stop();
  });

  /** Writes one line per container and waits for both: everything written before has arrived. */
  async function sentinel(client: LogClient, name: string): Promise<void> {
    await api().write(`api ${name}`);
    await worker().write(`worker ${name}`);
    await client.waitFor(() => client.lines().includes(`api ${name}`) && client.lines().includes(`worker ${name}`), name);
  }

  it('gives back exactly the missed lines, once each, in order per container', async () => {
    const before = await demo.connect('alice');
    expect((await before.subscribe({ source, selector })).ok).toBe(true);
    await before.waitFor(() => before.targets.length === 2, 'both targets');
    await api().writeMany(['api 1', 'api 2']);
    await worker().write('worker 1');
    await before.waitFor(() => before.records.length === 3, 'the first lines');
    before.close();

    // Away while the upstream keeps running (within its idle grace period).
    await api().writeMany(['api 3', 'api 4']);
    await worker().writeMany(['worker 2', 'worker 3']);
    const back = await demo.connect('alice');
    expect((await back.subscribe({ source, selector, resume: lastCursors(before.records) })).ok).toBe(true);
    await sentinel(back, 'back');
    expect(linesByPod(back.records)).toEqual({
      'checkout-api': ['api 3', 'api 4', 'api back'],
      'payments-worker': ['worker 2', 'worker 3', 'worker back'],
    });
    back.close();

    // Away long enough for the upstream to stop: the new one starts at the end of the files.
    await api().write('api 5');
    await worker().write('worker 4');
    await expect.poll(() => demo.metric('tailgate_upstreams_active'), { timeout: 5_000 }).toBe(0);
    const again = await demo.connect('alice');
    expect((await again.subscribe({ source, selector, resume: lastCursors(back.records) })).ok).toBe(true);
    await sentinel(again, 'again');
    expect(linesByPod(again.records)).toEqual({
      'checkout-api': ['api 5', 'api again'],
      'payments-worker': ['worker 4', 'worker again'],
    });
  });

  it('resumes every container after one cursor given as a string', async () => {
    await api().write('api one');
    const watcher = await demo.connect('alice');
    expect((await watcher.subscribe({ source, selector, tail: 1, follow: false })).ok).toBe(true);
    await watcher.waitFor(() => watcher.ended.length === 1, 'the tail');
    const cursor = watcher.records.find((r) => r.line === 'api one')!.cursor;
    await worker().write('worker two');
    await api().write('api three');
    const client = await demo.connect('alice');
    expect((await client.subscribe({ source, selector, resume: cursor, follow: false })).ok).toBe(true);
    await client.waitFor(() => client.ended.length === 1, 'the end');
    expect(client.lines().sort()).toEqual(['api three', 'worker two']);
  });

  it('lists the source as resumable and refuses malformed resume requests with invalid_request', async () => {
    const client = await demo.connect('alice');
    const list = (await client.emitRaw('sources.list', {})) as { sources: { supports: { resume: boolean } }[] };
    expect(list.sources[0]!.supports.resume).toBe(true);
    const key = 'team-a/checkout-api/api';
    const bad: Record<string, unknown>[] = [
      { resume: 'c', tail: 1 },
      { resume: { [key]: 'c' }, since: '5m' },
      { resume: '' },
      { resume: 5 },
      { resume: null },
      { resume: {} },
      { resume: { 'not-a-target': 'c' } },
      { resume: { [key]: '' } },
      { resume: { [key]: 7 } },
      { resume: { [key]: 'c'.repeat(513) } },
      { resume: { [`team-a/checkout-api/${'x'.repeat(500)}`]: 'c' } },
      { resume: Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`team-a/p${i}/c`, 'c'])) },
      { resume: 'c'.repeat(513) },
      { order: 'random' },
    ];
    for (const extra of bad) {
      const answer = (await client.emitRaw('subscribe', { source, selector, ...extra })) as { ok: boolean; error?: { code: string } };
      expect(answer.error?.code, JSON.stringify(extra).slice(0, 80)).toBe('invalid_request');
    }
    expect(client.socket.connected).toBe(true);
  });
});
