// /metrics of issue 16 item 5 on a real gateway (demo world, audit off: none of these depend on
// it): each authorizer's answers by result, each authenticator's rejections, and records and
// bytes delivered per namespace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { connectError } from './support/log-client';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

describe('access and delivery metrics', () => {
  let demo: DemoGateway;

  beforeAll(async () => {
    demo = await startDemoGateway(DEMO_PODS);
  });
  afterAll(async () => {
    await demo.stop();
  });

  it('count decisions by authorizer and result, rejections by authenticator, and deliveries by namespace', async () => {
    const decision = (authorizer: string, result: string) =>
      demo.metric('tailgate_authorizer_decisions_total', `authorizer="${authorizer}",result="${result}"`);
    const before = { allow: await decision('pod-label-policy.labels', 'allow'), deny: await decision('pod-label-policy.labels', 'deny') };
    const carol = await demo.connect('carol');
    expect((await carol.subscribe({ source: 'node-file.pods', selector: { namespace: 'team-a' } })).ok).toBe(true);
    await carol.waitFor(() => carol.targets.length === 1 && carol.denied.length === 1, "carol's checkout-api and payments-worker");
    expect(await decision('pod-label-policy.labels', 'allow')).toBeGreaterThan(before.allow);
    expect(await decision('pod-label-policy.labels', 'deny')).toBeGreaterThan(before.deny);
    expect(await decision('namespace-allowlist.namespaces', 'allow')).toBeGreaterThan(0);

    const records = await demo.metric('tailgate_namespace_records_delivered_total', 'namespace="team-a"');
    const bytes = await demo.metric('tailgate_namespace_bytes_delivered_total', 'namespace="team-a"');
    await demo.writers.get('checkout-api')!.write('counted for team-a');
    await carol.waitFor(() => carol.lines().includes('counted for team-a'), 'the line');
    expect(await demo.metric('tailgate_namespace_records_delivered_total', 'namespace="team-a"')).toBe(records + 1);
    expect(await demo.metric('tailgate_namespace_bytes_delivered_total', 'namespace="team-a"')).toBeGreaterThan(
      bytes + 'counted for team-a'.length,
    );
    expect(await demo.metric('tailgate_namespace_records_delivered_total', 'namespace="team-b"')).toBe(0);

    const rejected = () => demo.metric('tailgate_authenticator_rejections_total', 'authenticator="static-tokens.tokens",reason="rejected"');
    const rejectedBefore = await rejected();
    expect((await connectError(demo.gateway.url, { token: 'not-a-token' })).data).toMatchObject({ code: 'unauthenticated' });
    expect(await rejected()).toBe(rejectedBefore + 1);
  });
});
