// flow-tap against the conformance kit: a Flow tapped as the host registers it, its lines posted
// to the ingest endpoint as fluentd posts them, and its upstream (the subscription to the tap's
// records channel) counted on the bus. It has no backlog, so the backlog checks do not apply.
import type { LogSource } from '@tailgate/plugin-sdk';
import { describeLogSource } from '@tailgate/plugin-sdk/testing';
import { expect } from 'vitest';

import type { FlowSelector } from './flow-selector';
import type { TapRef } from './tap-ref';
import { recordsChannel } from './tap-state';
import { flowTapHarness, fluentRecord } from './testing/flow-tap-harness';

const WEB: TapRef = { kind: 'flow', namespace: 'acme', name: 'web' };

describeLogSource('flow-tap (a Flow tapped through the ingest endpoint)', async () => {
  const harness = await flowTapHarness({ pods: [{ namespace: 'acme', name: 'web-0', node: 'node-1', labels: {} }] });
  const password = await harness.grant(WEB);
  const channel = recordsChannel(WEB);
  const source: LogSource<FlowSelector> | undefined = harness.source;
  if (source === undefined) throw new Error('flow-tap registered no source');
  return {
    source,
    selector: { flow: 'flow/acme/web' },
    invalidSelectors: [
      { flow: 'flow/acme' },
      { flow: 'clusterflow/logging/all' },
      { flow: 'output/acme/x' },
      { flow: 'flow/Acme/web' },
      { flow: 'flow/acme/web', x: 1 },
      {},
    ],
    // Records reach a stream once it listens on the tap's channel; fluentd posts a batch as one body.
    async produce(lines) {
      await expect.poll(() => harness.bus.listeners(channel)).toBe(1);
      const body = lines.map((message) => `${fluentRecord({ namespace: 'acme', pod: 'web-0', message })}\n`).join('');
      expect(await harness.post('/v1/flow/acme/web', body, { password })).toMatchObject({ status: 200, body: { dropped: 0 } });
    },
    openUpstreams: () => harness.bus.listeners(channel),
  };
});
