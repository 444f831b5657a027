import { MemoryPluginMetrics, type PodMetadata, UpstreamUnavailableError } from '@tailgate/plugin-sdk';
import { memoryPodMetadata } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import { AgentNodeBinding, bindingVerdict, RECORDS_REFUSED_METRIC } from './agent-node-binding';

const pod = (node?: string): PodMetadata => ({ namespace: 'acme', name: 'web-0', labels: {}, ...(node && { node }) });
const web = { namespace: 'acme', pod: 'web-0', container: 'app' };

describe('bindingVerdict', () => {
  it('accepts a registered node speaking for a pod the apiserver binds to it', () => {
    expect(bindingVerdict('node-1', true, pod('node-1'))).toEqual({ ok: true });
  });

  it('refuses a pod bound to another node, whatever the message claims', () => {
    expect(bindingVerdict('node-2', true, pod('node-1'))).toEqual({ ok: false, reason: 'wrong_node' });
  });

  it('refuses a pod the apiserver does not know, and one not bound to a node yet', () => {
    expect(bindingVerdict('node-1', true, undefined)).toEqual({ ok: false, reason: 'unknown_pod' });
    expect(bindingVerdict('node-1', true, pod())).toEqual({ ok: false, reason: 'unbound_pod' });
  });

  it('refuses a node whose agent has not registered, even for its own pods', () => {
    expect(bindingVerdict('node-1', false, pod('node-1'))).toEqual({ ok: false, reason: 'unregistered_node' });
  });
});

describe('AgentNodeBinding', () => {
  const registered = new Set(['node-1', 'node-2']);
  const setUp = () => {
    const metrics = new MemoryPluginMetrics();
    const pods = memoryPodMetadata([pod('node-1')]);
    return { metrics, pods, binding: new AgentNodeBinding(pods, (node) => registered.has(node), metrics) };
  };

  it('follows the apiserver: a pod bound anew to another node is that node’s from then on', async () => {
    const { pods, binding } = setUp();
    expect(await binding.check('node-1', web)).toEqual({ ok: true });
    pods.put(pod('node-2'));
    expect(await binding.check('node-1', web)).toEqual({ ok: false, reason: 'wrong_node' });
    expect(await binding.check('node-2', web)).toEqual({ ok: true });
  });

  it('does not look the pod up for an unregistered node, and refuses when the pod metadata cannot answer', async () => {
    const metrics = new MemoryPluginMetrics();
    let lookups = 0;
    const failing = {
      get: () => {
        lookups++;
        return Promise.reject(new UpstreamUnavailableError('pod metadata not listed within 10000 ms'));
      },
    };
    const binding = new AgentNodeBinding(failing, (node) => node === 'node-1', metrics);
    expect(await binding.check('node-9', web)).toEqual({ ok: false, reason: 'unregistered_node' });
    expect(lookups).toBe(0);
    expect(await binding.check('node-1', web)).toEqual({ ok: false, reason: 'pod_metadata_unavailable' });
  });

  it('counts refused records by reason, and nothing for an announcement without records', () => {
    const { metrics, binding } = setUp();
    binding.count('wrong_node', 3);
    binding.count('wrong_node', 2);
    binding.count('unknown_pod', 0);
    expect(metrics.value(RECORDS_REFUSED_METRIC, { reason: 'wrong_node' })).toBe(5);
    expect(metrics.value(RECORDS_REFUSED_METRIC, { reason: 'unknown_pod' })).toBe(0);
  });
});
