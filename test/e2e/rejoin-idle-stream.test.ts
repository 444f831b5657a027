// Listeners who come back to a stream while it idles after its last listener left — before its
// grace period ends, as it ends, just after, or after an earlier visit within the grace — each
// hear its targets (or their denial) and its records. Found by the browser suites: a fan-out was
// closed by the grace timer of an earlier idle spell while the upstream, kept by the later one,
// ran on; the fan-out opened next never heard the targets that upstream had announced long ago,
// so its subscribers were acknowledged and then told nothing at all.
//
// The sleeps place each join relative to the grace period: that timing is what is under test.
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import type { LogClient } from './support/log-client';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

const GRACE_MS = 500;
const TEAM_A = { source: 'node-file.pods', selector: { namespace: 'team-a' } };
/** alice may read both team-a pods; carol checkout-api only, and is told payments-worker is denied. */
const TEAM_A_PODS = DEMO_PODS.filter((pod) => pod.namespace === 'team-a').length;
/** How long an acknowledged subscription may wait for its targets (they are announced at once when known). */
const ANNOUNCED_WITHIN_MS = 3_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe.each([
  ['in-process bus', () => undefined],
  ['Redis bus', () => inject('redisUrl')],
])('a stream joined again while it idles, on the %s', (_, redisUrl) => {
  let demo: DemoGateway;
  let line = 0;

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS, redisUrl(), { idleGraceMs: GRACE_MS });
  });
  // Each case starts from a stream that is over, whatever the last one left behind.
  afterEach(async () => {
    demo.closeClients();
    await idleOver();
  });
  afterAll(() => demo.stop());

  /** Subscribes to team-a and waits for every target's announcement or denial; returns the subscription id. */
  async function join(client: LogClient): Promise<string> {
    const ack = await client.subscribe(TEAM_A);
    if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.code}`);
    await client.waitFor(
      () => client.targets.length + client.denied.length === TEAM_A_PODS,
      'every target announced or denied',
      ANNOUNCED_WITHIN_MS,
    );
    return ack.id;
  }

  /** One listener's whole visit: joins, hears the targets, leaves. */
  async function visit(): Promise<void> {
    const client = await demo.connect('alice');
    const id = await join(client);
    expect(await client.emitRaw('unsubscribe', { id })).toEqual({ ok: true });
  }

  /** alice and carol join at once; each hears what it may of the targets, and a line written now. */
  async function joinBothAndRead(): Promise<void> {
    const [alice, carol] = await Promise.all([demo.connect('alice'), demo.connect('carol')]);
    await Promise.all([join(alice), join(carol)]);
    expect(alice.targets.map((t) => t.target.pod).sort()).toEqual(['checkout-api', 'payments-worker']);
    expect(carol.targets.map((t) => t.target.pod)).toEqual(['checkout-api']);
    expect(carol.denied.map((d) => d.target.pod)).toEqual(['payments-worker']);
    const text = `after the rejoin ${++line}`;
    await demo.writers.get('checkout-api')!.write(text);
    for (const client of [alice, carol]) await client.waitFor(() => client.lines().includes(text), 'the new line', ANNOUNCED_WITHIN_MS);
  }

  /** The stream is over here: no listener, and its upstream stopped after the grace. */
  async function idleOver(): Promise<void> {
    await expect.poll(() => demo.metric('tailgate_listeners_active'), { timeout: 5_000 }).toBe(0);
    await expect.poll(() => demo.metric('tailgate_upstreams_active'), { timeout: 5_000 }).toBe(0);
  }

  it('serves listeners who join after the grace of an earlier idle spell ended, within a later one', async () => {
    await visit();
    const firstLeft = Date.now();
    // A second visit in the middle of the first grace: its leaving starts a second grace.
    await sleep(GRACE_MS / 2);
    await visit();
    // After the first grace ended, well inside the second.
    await sleep(firstLeft + GRACE_MS + GRACE_MS / 4 - Date.now());
    await joinBothAndRead();
  });

  it.each([-100, -5, 0, 5, 100])('serves listeners who join %i ms from the end of the grace', async (offset) => {
    await visit();
    await sleep(GRACE_MS + offset);
    await joinBothAndRead();
  });
});
