// A container that stops streaming is announced as removed, with the reason the source gave,
// through the real node-file source, supervisor, bus and socket.io-client.
import { CriLogWriter } from '@tailgate/cri-logs/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import type { LogClient } from './support/log-client';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

describe.each([
  ['in-process bus', () => undefined],
  ['Redis bus', () => inject('redisUrl')],
])('target removal on the %s', (_, redisUrl) => {
  let demo: DemoGateway;
  const clients: LogClient[] = [];

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS, redisUrl());
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await demo.stop();
  });

  it('tells a listener that a deleted pod was deleted, after its last line', async () => {
    const alice = await demo.connect('alice');
    clients.push(alice);
    expect((await alice.subscribe({ source: 'node-file.pods', selector: { namespace: 'team-a', pod: 'checkout-api' } })).ok).toBe(true);
    await alice.waitFor(() => alice.targets.length === 1, 'the target');
    // A sidecar in a pod directory of its own, which is then deleted as kubelet deletes a pod.
    const doomed = new CriLogWriter(demo.world.podsRoot, { namespace: 'team-a', pod: 'checkout-api', container: 'sidecar' });
    const target = { ns: 'team-a', pod: 'checkout-api', container: 'sidecar' };
    await alice.waitFor(() => alice.targets.some((t) => t.op === 'added' && t.target.container === 'sidecar'), 'the sidecar');
    await doomed.write('last words');
    await doomed.remove();
    await alice.waitFor(() => alice.targets.some((t) => t.op === 'removed'), 'the removal');
    expect(alice.targets.filter((t) => t.op === 'removed')).toEqual([
      { sub: alice.targets[0]!.sub, op: 'removed', target, reason: 'deleted' },
    ]);
    expect(alice.lines()).toEqual(['last words']);
  });
});
