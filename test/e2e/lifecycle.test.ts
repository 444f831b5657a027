// The gateway's life as a user sees it: ready only while it serves, and an orderly stop that
// tells every subscriber `shutdown`, disconnects it, and then refuses new connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

describe('gateway lifecycle', () => {
  let demo: DemoGateway;

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS);
  });
  afterAll(async () => {
    await demo.stop();
  });

  it('stops in its named order: readiness and new connections first, the transport last', () => {
    expect(demo.gateway.shutdownSteps).toEqual([
      'readiness',
      're-checks',
      'new connections',
      'subscriptions',
      'access changes',
      'audit trail',
      'jobs',
      'bus',
      'plugins',
      'quotas',
      'pod metadata file',
      'transport',
    ]);
  });

  it('is ready while serving; on close every subscriber hears shutdown and is disconnected, then nothing connects', async () => {
    const ready = await fetch(`${demo.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    const alice = await demo.connect('alice');
    const bob = await demo.connect('bob');
    const subscribed = await Promise.all([alice, bob].map((client) => client.subscribe({ source: 'node-file.pods', selector: {} })));
    expect(subscribed.map((ack) => ack.ok)).toEqual([true, true]);
    await demo.gateway.close();
    for (const client of [alice, bob]) {
      await client.waitFor(() => !client.socket.connected, 'disconnected by the server');
      expect(client.ended.map((event) => event.reason)).toEqual(['shutdown']);
    }
    await expect(fetch(`${demo.gateway.url}/readyz`)).rejects.toThrow();
    // Closing again (the suite's own stop) runs nothing twice.
    await expect(demo.gateway.close()).resolves.toBeUndefined();
  });
});
