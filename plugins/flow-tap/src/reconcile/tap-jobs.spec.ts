import type { KubeTransport } from '@tailgate/kube';
import { definePlugin, MemorySharedState, silentLogger } from '@tailgate/plugin-sdk';
import { registerForTest } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it, onTestFinished, vi } from 'vitest';

import { FlowTapConfigSchema } from '../flow-tap-config';
import { DEMAND_VERSION } from '../tap-state';
import { addTapJobs, LATER_WINDOW_MS, MAX_ROUNDS, RECONCILE_JOB_ID } from './tap-jobs';
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

  it('runs after a lapse at the end of the second it is due: streams stopping in one second share it, a later one gets its own', async () => {
    onTestFinished(() => void vi.useRealTimers());
    vi.useFakeTimers({ toFake: ['Date'] });
    const { registered, jobs } = await register(emptyCluster(() => Promise.resolve()));
    const base = 1_000 * LATER_WINDOW_MS;
    for (const at of [200, 900, 1_300]) {
      vi.setSystemTime(base + at);
      await jobs.reconcileLater(11_000);
    }
    expect(registered.enqueued.map((job) => job.options)).toEqual([
      { jobId: `${RECONCILE_JOB_ID}-later-${base + 12_000}`, delayMs: 11_800 },
      // Coalesced with the one before (the runner keeps the first): it runs after this lapse too.
      { jobId: `${RECONCILE_JOB_ID}-later-${base + 12_000}`, delayMs: 11_100 },
      // Due after that run: its own, or its tap would wait for the resync.
      { jobId: `${RECONCILE_JOB_ID}-later-${base + 13_000}`, delayMs: 11_700 },
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
