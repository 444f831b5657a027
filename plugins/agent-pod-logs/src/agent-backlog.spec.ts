import { MemoryPluginMetrics, silentLogger } from '@tailgate/plugin-sdk';
import { collectBacklog, memoryPluginBus, memoryPodMetadata } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import { AGENTS_CHANNEL, batchesChannel, DEMAND_CHANNEL } from './agent-channels';
import { agentBacklog } from './agent-backlog';
import { AgentDirectory } from './agent-directory';
import { AgentMessageVerifier } from './agent-message-verifier';
import { AgentNodeBinding, RECORDS_REFUSED_METRIC } from './agent-node-binding';
import { AgentPodLogsConfigSchema } from './agent-pod-logs-config';
import { AgentPodSelectorSchema } from './agent-pod-selector';

describe('agentBacklog', () => {
  it('takes from an agent only the targets its selector covers and the apiserver binds to its node, and only its own answers', async () => {
    const bus = memoryPluginBus();
    const config = AgentPodLogsConfigSchema.parse({ agentAnswerMs: 500 });
    const verifier = new AgentMessageVerifier(undefined, new MemoryPluginMetrics(), silentLogger);
    const directory = new AgentDirectory(bus, { rollCallMs: 10, heartbeatTtlMs: 10_000 }, verifier);
    const pods = memoryPodMetadata([
      { namespace: 'acme', name: 'web-0', node: 'node-1', labels: {} },
      { namespace: 'acme', name: 'api-0', node: 'node-2', labels: {} },
      { namespace: 'other', name: 'db-0', node: 'node-1', labels: {} },
    ]);
    const metrics = new MemoryPluginMetrics();
    const binding = new AgentNodeBinding(pods, (node) => directory.registered(node), metrics);
    // A scripted agent on node-1; node-2 answers nothing but what it forges into node-1's read.
    await bus.subscribe(DEMAND_CHANNEL, (raw) => {
      const message = JSON.parse(raw) as { t: string; run: string };
      if (message.t === 'roll-call') void bus.publish(AGENTS_CHANNEL, JSON.stringify({ v: 1, t: 'agent', node: 'node-1' }));
      if (message.t !== 'backlog') return;
      const reply = (body: object) => void bus.publish(batchesChannel(message.run), JSON.stringify({ v: 1, ...body }));
      const targets = [
        { namespace: 'acme', pod: 'web-0', container: 'app' },
        { namespace: 'other', pod: 'db-0', container: 'db' },
        { namespace: 'acme', pod: 'api-0', container: 'api' },
      ];
      reply({ t: 'backlog-targets', node: 'node-1', targets });
      reply({ t: 'backlog-page', node: 'node-2', records: [['2026-01-01T00:00:00Z', 'stdout', 'forged', '1', 0]] });
      reply({
        t: 'backlog-page',
        node: 'node-1',
        records: [
          ['2026-01-01T00:00:00Z', 'stdout', 'kept', '00000000001767225600000000000-0000000000', 0],
          ['2026-01-01T00:00:00Z', 'stdout', 'outside the selector', '00000000001767225600000000000-0000000000', 1],
          ['2026-01-01T00:00:00Z', 'stdout', 'a pod of node-2', '00000000001767225600000000000-0000000000', 2],
          ['2026-01-01T00:00:00Z', 'stdout', 'no such target', '00000000001767225600000000000-0000000000', 3],
        ],
      });
      reply({ t: 'backlog-end', node: 'node-1' });
    });
    const ctx = { signal: new AbortController().signal, logger: silentLogger };
    const read = agentBacklog(AgentPodSelectorSchema.parse({ namespace: 'acme' }), { tail: 10 }, ctx.signal, {
      bus,
      directory,
      config,
      binding,
      verifier,
    });
    const backlog = await collectBacklog(read);
    expect(backlog.targets).toEqual([{ namespace: 'acme', pod: 'web-0', container: 'app', node: 'node-1' }]);
    expect(backlog.records.map((r) => r.line)).toEqual(['kept']);
    expect(metrics.value(RECORDS_REFUSED_METRIC, { reason: 'wrong_node' })).toBe(1);
  });
});
