import {
  logBusServiceRef,
  MemoryPluginMetrics,
  MemorySharedState,
  type PluginHttpHandler,
  pluginHttpServiceRef,
  pluginMetricsServiceRef,
  podMetadataServiceRef,
  sharedStateServiceRef,
} from '@tailgate/plugin-sdk';
import { collectStream, memoryPluginBus, memoryPodMetadata, registerForTest } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import flowTapPlugin from './index';
import { FLOW_TAP_JOB_RBAC } from './reconcile';

const workerServices = () => ({
  [sharedStateServiceRef.id]: new MemorySharedState(),
  [pluginMetricsServiceRef.id]: new MemoryPluginMetrics(),
});

describe('flow-tap plugin', () => {
  it('asks Kubernetes only for SubjectAccessReviews on the gateway, and leaves the tap objects to the worker', () => {
    expect(flowTapPlugin.id).toBe('flow-tap');
    expect(flowTapPlugin.rbac).toEqual([{ apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] }]);
    expect(flowTapPlugin.jobRbac).toBe(FLOW_TAP_JOB_RBAC);
  });

  it('registers only its jobs in the worker', async () => {
    const registered = await registerForTest(flowTapPlugin, {}, workerServices());
    expect(registered.sources).toEqual([]);
    expect(registered.jobs.map((job) => job.name)).toEqual(['reconcile']);
  });

  it('adds flow-tap.flows and mounts the ingest endpoint on the gateway; a stream queues a reconcile at start and one for after its demand lapses', async () => {
    const mounted: string[] = [];
    const registered = await registerForTest(
      flowTapPlugin,
      {},
      {
        ...workerServices(),
        [logBusServiceRef.id]: memoryPluginBus(),
        [podMetadataServiceRef.id]: memoryPodMetadata(),
        [pluginHttpServiceRef.id]: { mount: (id: string, _handler: PluginHttpHandler) => void mounted.push(id) },
      },
    );
    expect(registered.sources.map((source) => source.name)).toEqual(['flows']);
    expect(mounted).toEqual(['flow-tap']);
    const stream = collectStream(registered.sources[0]!, { flow: 'flow/acme/web' });
    await expect.poll(() => registered.enqueued.length).toBe(1);
    await stream.stop();
    expect(registered.enqueued.map((job) => [job.name, job.options])).toEqual([
      ['flow-tap.reconcile', { jobId: 'flow-tap-reconcile' }],
      // After the lapse (10 s + 1 s), at the end of that second: 11,000 to 11,999 ms.
      [
        'flow-tap.reconcile',
        { jobId: expect.stringMatching(/^flow-tap-reconcile-later-\d+$/) as string, delayMs: expect.closeTo(11_499.5, -3) as number },
      ],
    ]);
  });
});
