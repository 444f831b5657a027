import { MemoryPluginMetrics, silentLogger } from '@tailgate/plugin-sdk';
import { memoryPluginBus } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import { AGENTS_CHANNEL } from './agent-channels';
import { AgentDirectory, MAX_AGENT_NODES } from './agent-directory';
import { AgentMessageVerifier } from './agent-message-verifier';

const unsigned = () => new AgentMessageVerifier(undefined, new MemoryPluginMetrics(), silentLogger);

const presence = (node: string) => JSON.stringify({ v: 1, t: 'agent', node });

describe('AgentDirectory', () => {
  it('registers the nodes heard of lately and forgets those silent for heartbeatTtlMs', async () => {
    const bus = memoryPluginBus();
    let now = 0;
    const directory = new AgentDirectory(bus, { rollCallMs: 0, heartbeatTtlMs: 1_000 }, unsigned(), () => now);
    await directory.ready();
    await bus.publish(AGENTS_CHANNEL, presence('node-a'));
    now = 600;
    await bus.publish(AGENTS_CHANNEL, presence('node-b'));
    expect(await directory.nodes()).toEqual(['node-a', 'node-b']);
    now = 1_200;
    await bus.publish(AGENTS_CHANNEL, presence('node-b'));
    expect(directory.registered('node-a')).toBe(false);
    expect(await directory.nodes()).toEqual(['node-b']);
  });

  it('remembers at most MAX_AGENT_NODES names however many anyone publishes, the latest kept', async () => {
    const bus = memoryPluginBus();
    const directory = new AgentDirectory(bus, { rollCallMs: 0, heartbeatTtlMs: 60_000 }, unsigned(), () => 0);
    await directory.ready();
    for (let i = 0; i < MAX_AGENT_NODES + 50; i++) await bus.publish(AGENTS_CHANNEL, presence(`node-${i}`));
    const nodes = await directory.nodes();
    expect(nodes.length).toBe(MAX_AGENT_NODES);
    expect(directory.registered(`node-${MAX_AGENT_NODES + 49}`)).toBe(true);
    expect(directory.registered('node-0')).toBe(false);
  });
});
