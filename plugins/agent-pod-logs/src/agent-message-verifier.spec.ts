import { MemoryPluginMetrics, type PluginLogger, silentLogger } from '@tailgate/plugin-sdk';
import { memoryPluginBus } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import { AGENTS_CHANNEL } from './agent-channels';
import { AgentDirectory } from './agent-directory';
import { AgentMessageSigner, signingBus } from './agent-message-signer';
import { AgentMessageVerifier, MESSAGES_REFUSED_METRIC } from './agent-message-verifier';
import { AgentSessionKeys } from './agent-session-keys';

const presence = (node: string) => JSON.stringify({ v: 1, t: 'agent', node });

describe('AgentMessageVerifier', () => {
  it('registers only nodes whose presence is signed with their own session, and logs refusals by code only', async () => {
    const bus = memoryPluginBus();
    const metrics = new MemoryPluginMetrics();
    const logged: unknown[] = [];
    const logger: PluginLogger = { ...silentLogger, warn: (fields: unknown) => void logged.push(fields) };
    const keys = new AgentSessionKeys(Buffer.alloc(32, 3), 60_000);
    const verifier = new AgentMessageVerifier(keys, metrics, logger);
    const directory = new AgentDirectory(bus, { rollCallMs: 0, heartbeatTtlMs: 60_000 }, verifier);
    await directory.ready();
    const signedAs = (node: string) =>
      signingBus(bus, new AgentMessageSigner(() => ({ node, epoch: keys.epochNow(), key: keys.key(node, keys.epochNow()) })));
    await signedAs('node-a').publish(AGENTS_CHANNEL, presence('node-a'));
    await bus.publish(AGENTS_CHANNEL, presence('node-b'));
    await signedAs('node-a').publish(AGENTS_CHANNEL, presence('node-c'));
    expect(await directory.nodes()).toEqual(['node-a']);
    expect(metrics.value(MESSAGES_REFUSED_METRIC, { reason: 'unsigned' })).toBe(1);
    expect(metrics.value(MESSAGES_REFUSED_METRIC, { reason: 'node_mismatch' })).toBe(1);
    expect(JSON.stringify(logged)).not.toMatch(/node-b|node-c/);
  });

  it('lets every message through when authentication is off', async () => {
    const bus = memoryPluginBus();
    const verifier = new AgentMessageVerifier(undefined, new MemoryPluginMetrics(), silentLogger);
    const got: [string, string | undefined][] = [];
    await verifier.subscribe(bus, AGENTS_CHANNEL, 'agents', (body, node) => void got.push([body, node]));
    await bus.publish(AGENTS_CHANNEL, presence('node-b'));
    expect(got).toEqual([[presence('node-b'), undefined]]);
    expect(verifier.sameNode(undefined, 'node-b', 'agents')).toBe(true);
  });
});
