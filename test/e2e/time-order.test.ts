// Time-ordered merge through the real socket.io-client: lines of two containers that reach the
// gateway out of time order, in separate batches, come out sorted for a listener with
// `order: time`, while a listener with the default order on the same stream gets them as they came.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

const source = 'node-file.pods';
const selector = { namespace: 'team-a' };

describe('time-ordered subscriptions', () => {
  let demo: DemoGateway;

  beforeAll(async () => {
    // A window far wider than the gap between the two writes below, even on a busy machine.
    demo = await startDemoGateway(DEMO_PODS, undefined, { reorderWindowMs: 1_500 });
  });
  afterAll(async () => {
    await demo.stop();
  });

  it('merges containers by timestamp for order: time, and leaves order: source as it came', async () => {
    const asCame = await demo.connect('alice');
    const byTime = await demo.connect('alice');
    expect((await asCame.subscribe({ source, selector })).ok).toBe(true);
    expect((await byTime.subscribe({ source, selector, order: 'time' })).ok).toBe(true);
    for (const client of [asCame, byTime]) await client.waitFor(() => client.targets.length === 2, 'both targets');

    const base = Date.now();
    const ts = (second: number) => ({ ts: new Date(base + second * 1_000) });
    const api = demo.writers.get('checkout-api')!;
    const worker = demo.writers.get('payments-worker')!;
    for (const n of [1, 3, 5]) await api.write(`api ${n}`, ts(n));
    await asCame.waitFor(() => asCame.lines().includes('api 5'), 'the api lines');
    for (const n of [2, 4, 6]) await worker.write(`worker ${n}`, ts(n));
    for (const client of [asCame, byTime]) await client.waitFor(() => client.records.length === 6, 'all six lines');

    expect(asCame.lines()).toEqual(['api 1', 'api 3', 'api 5', 'worker 2', 'worker 4', 'worker 6']);
    expect(byTime.lines()).toEqual(['api 1', 'worker 2', 'api 3', 'worker 4', 'api 5', 'worker 6']);

    const backlog = await demo.connect('alice');
    expect((await backlog.subscribe({ source, selector, order: 'time', tail: 3, follow: false })).ok).toBe(true);
    await backlog.waitFor(() => backlog.ended.length === 1, 'the backlog');
    expect(backlog.lines()).toEqual(byTime.lines());
  });
});
