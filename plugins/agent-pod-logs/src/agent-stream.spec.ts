import { MemoryPluginMetrics, type SourceEvent, silentLogger, targetKey } from '@tailgate/plugin-sdk';
import { memoryPodMetadata } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import { AgentMessageVerifier } from './agent-message-verifier';
import { AgentNodeBinding } from './agent-node-binding';
import { AgentPodSelectorSchema } from './agent-pod-selector';
import { AgentInbox } from './agent-stream';

const target = { namespace: 'acme', pod: 'web-0', container: 'app' };
const key = targetKey(target);
const records = (node: string, line: string, cursor: string) =>
  JSON.stringify({ v: 1, t: 'records', node, target, records: [['2026-01-01T00:00:00Z', 'stdout', line, cursor]] });

function inbox(): { inbox: AgentInbox; next: () => Promise<SourceEvent> } {
  const metrics = new MemoryPluginMetrics();
  const pods = memoryPodMetadata([{ namespace: 'acme', name: 'web-0', node: 'node-1', labels: {} }]);
  const binding = new AgentNodeBinding(pods, () => true, metrics);
  const box = new AgentInbox(
    AgentPodSelectorSchema.parse({ namespace: 'acme' }),
    1_000,
    silentLogger,
    binding,
    new AgentMessageVerifier(undefined, metrics, silentLogger),
  );
  const drain = box.drain(new AbortController().signal);
  const next = async (): Promise<SourceEvent> => (await drain.next()).value as SourceEvent;
  return { inbox: box, next };
}

describe('an agent stream inbox', () => {
  it('forgets everything about a target its agent removed: its cursor and when the agent last delivered it', async () => {
    const { inbox: box, next } = inbox();
    box.take(records('node-1', 'one', '00000000001767225600000000000-0000000001'), 'node-1');
    expect(await next()).toMatchObject({ type: 'target', op: 'added' });
    expect(await next()).toMatchObject({ type: 'records' });
    expect(box.agentDeliveredSince(key, 0)).toBe(true);
    expect(box.lastCursor(key)).toBeDefined();
    box.take(JSON.stringify({ v: 1, t: 'removed', node: 'node-1', target, reason: 'deleted' }), 'node-1');
    expect(await next()).toMatchObject({ type: 'target', op: 'removed', reason: 'deleted' });
    expect(box.agentDeliveredSince(key, 0)).toBe(false);
    expect(box.lastCursor(key)).toBeUndefined();
  });

  it('forgets the same when the apiserver says the pod is gone', async () => {
    const { inbox: box, next } = inbox();
    box.take(records('node-1', 'one', '00000000001767225600000000000-0000000001'), 'node-1');
    await next();
    await next();
    box.gone({ ...target, node: 'node-1' });
    expect(await next()).toMatchObject({ type: 'target', op: 'removed', reason: 'deleted' });
    expect(box.agentDeliveredSince(key, 0)).toBe(false);
    expect(box.lastCursor(key)).toBeUndefined();
  });
});
