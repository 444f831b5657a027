import type { KubeTransport } from '@tailgate/kube';
import { definePlugin, MemorySharedState, silentLogger } from '@tailgate/plugin-sdk';
import { registerForTest } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import { FlowTapConfigSchema } from '../flow-tap-config';
import { DEMAND_VERSION } from '../tap-state';
import { addTapJobs, MAX_ROUNDS, RECONCILE_JOB_ID } from './tap-jobs';
import type { TapJobs } from './index';

/** No taps anywhere; `onList` runs at every list of Outputs. */
function emptyCluster(onList: () => Promise<void>): KubeTransport {
  const fail = () => Promise.reject(new Error('not expected'));
  return {
    json: async (method, path, schema) => {
      if (method === 'GET' && path.includes('/outputs?')) await onList();
      return schema.parse({ items: [] });
    },
    patch: fail,
    watch: () => (async function* () {})(),
    stream: fail,
  };
}

async function register(transport: KubeTransport, state = new MemorySharedState()) {
  let jobs: TapJobs | undefined;
  const plugin = definePlugin({
    id: 'flow-tap',
    description: 'test',
    configSchema: FlowTapConfigSchema,
    register: (ctx) => void (jobs = addTapJobs(ctx)),
  });
  const registered = await registerForTest(
    plugin,
    { resyncIntervalMs: 5_000 },
    { 'core.kube-transport': transport, 'core.shared-state': state },
  );
  const run = () => registered.jobs[0]!.handle({}, { attempt: 1, logger: silentLogger, signal: new AbortController().signal });
  return { registered, jobs: jobs!, run };
}

describe('the reconcile job', () => {
  it('is one job, run every resyncIntervalMs, and every trigger queues it under one fixed id', async () => {
    const { registered, jobs } = await register(emptyCluster(() => Promise.resolve()));
    expect(registered.jobs.map((job) => [job.name, job.every])).toEqual([['reconcile', { intervalMs: 5_000, data: {} }]]);
    await jobs.reconcileSoon();
    await jobs.reconcileSoon();
    expect(registered.enqueued).toEqual([
      { name: 'flow-tap.reconcile', data: {}, options: { jobId: RECONCILE_JOB_ID } },
      { name: 'flow-tap.reconcile', data: {}, options: { jobId: RECONCILE_JOB_ID } },
    ]);
  });

  it('goes round again while demand changes under it, and fails (to be retried) when it never settles', async () => {
    const state = new MemorySharedState();
    let lists = 0;
    let changesLeft = 2;
    const settling = await register(
      emptyCluster(async () => {
        lists++;
        if (changesLeft-- > 0) await state.increment(DEMAND_VERSION);
      }),
      state,
    );
    await settling.run();
    expect(lists).toBe(3);

    const restless = await register(
      emptyCluster(async () => void (await state.increment(DEMAND_VERSION))),
      state,
    );
    await expect(restless.run()).rejects.toMatchObject({ code: 'upstream_unavailable' });
    expect(Number(await state.get(DEMAND_VERSION))).toBe(2 + MAX_ROUNDS);
  });
});
