// Found by the protocol fuzz: the same subscribe sent several times at once on one connection
// must be accepted once. Each accepted copy registered a listener of its own, and all but one
// outlived their unsubscribe and even the connection, keeping the upstream running for no one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

describe('concurrent identical subscribes on one connection', () => {
  let demo: DemoGateway;

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS, undefined, { idleGraceMs: 100 });
  });
  afterAll(() => demo.stop());

  it('accepts one, refuses the others as already subscribed, and leaves no listener behind', async () => {
    const client = await demo.connect('alice');
    const request = { source: 'node-file.pods', selector: { namespace: 'team-a' } };
    const acks = await Promise.all([1, 2, 3, 4].map(() => client.subscribe(request)));
    const accepted = acks.filter((ack) => ack.ok);
    expect(accepted).toHaveLength(1);
    for (const ack of acks.filter((a) => !a.ok))
      expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_request', message: 'already subscribed to this stream' } });
    expect(await demo.metric('tailgate_listeners_active')).toBe(1);
    const id = accepted[0]!.ok ? accepted[0]!.id : '';
    expect(await client.emitRaw('unsubscribe', { id })).toEqual({ ok: true });
    expect(await demo.metric('tailgate_listeners_active')).toBe(0);
    client.close();
  });
});
