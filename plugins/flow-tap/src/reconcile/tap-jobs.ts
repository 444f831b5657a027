// The flow tap's one job, `reconcile`: level-triggered, so any number of triggers coalesce into
// one queued run (fixed jobId) and none is lost. A run reads the demand version, converges every
// tap against the demand set, and reads the version again: if demand moved meanwhile (a trigger
// that found this run in progress and was dropped), it goes round again, a bounded number of
// times, then fails so the runner retries it. It also runs every resyncIntervalMs (and once at
// start), which removes a previous run's leftovers and re-adds refs someone else removed.
import { kubeTransportServiceRef } from '@tailgate/kube';
import {
  type JobContext,
  type PluginContext,
  pluginMetricsServiceRef,
  type SharedState,
  sharedStateServiceRef,
  UpstreamUnavailableError,
} from '@tailgate/plugin-sdk';
import { z } from 'zod';

import type { FlowTapConfig } from '../flow-tap-config';
import type { TapJobs } from '../tap-demand';
import { DEMAND_SET, DEMAND_VERSION } from '../tap-state';
import { LoggingObjects } from './logging-objects';
import { reconcileCounters } from './reconcile-metrics';
import { type ReconcileSummary, TapReconciler } from './tap-reconciler';
import { wantedTaps } from './tap-plan';

export const RECONCILE_JOB = 'reconcile';
/** The queued run every trigger shares (`-later-<due>` for those after stopped streams' demand lapses). */
export const RECONCILE_JOB_ID = 'flow-tap-reconcile';
/** Runs after a lapse are shared by the streams whose lapse ends in the same second. */
export const LATER_WINDOW_MS = 1_000;
/** Rounds of one run while demand keeps changing; then the run fails and is retried. */
export const MAX_ROUNDS = 5;

const ReconcileDataSchema = z.strictObject({});
type ReconcileData = z.infer<typeof ReconcileDataSchema>;

export function addTapJobs(ctx: PluginContext<FlowTapConfig>): TapJobs {
  const counters = reconcileCounters(ctx.has(pluginMetricsServiceRef) ? ctx.use(pluginMetricsServiceRef) : undefined);
  const handle = ctx.addJob<ReconcileData>({
    name: RECONCILE_JOB,
    data: ReconcileDataSchema,
    every: { intervalMs: ctx.config.resyncIntervalMs, data: {} },
    // Services are looked up when a run starts: only the worker runs jobs, and a gateway that
    // only queues them need not offer them.
    handle: async (_data, job) => {
      const state = ctx.use(sharedStateServiceRef);
      const objects = new LoggingObjects(ctx.use(kubeTransportServiceRef), ctx.config.controlNamespace, job.signal);
      const reconciler = new TapReconciler({ objects, state, ingestUrl: ctx.config.ingestUrl, logger: job.logger, counters });
      await reconcileUntilSettled(reconciler, state, ctx.config.controlNamespace, job);
    },
  });
  return {
    reconcileSoon: () => handle.enqueue({}, { jobId: RECONCILE_JOB_ID }),
    // Its own id: a run queued for now must not swallow the one that has to come after a lapse.
    // And one per second, run at its end: a single id would fold a stream that stops later into
    // a run still waiting for an earlier one, due before the later demand lapses, and leave that
    // tap up until the next resync.
    reconcileLater: (delayMs) => {
      const now = Date.now();
      const due = Math.ceil((now + delayMs) / LATER_WINDOW_MS) * LATER_WINDOW_MS;
      return handle.enqueue({}, { jobId: `${RECONCILE_JOB_ID}-later-${due}`, delayMs: due - now });
    },
  };
}

async function reconcileUntilSettled(
  reconciler: TapReconciler,
  state: Pick<SharedState, 'get' | 'members'>,
  controlNamespace: string,
  job: JobContext,
): Promise<void> {
  let version = await state.get(DEMAND_VERSION);
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    job.signal.throwIfAborted();
    const wanted = wantedTaps(await state.members(DEMAND_SET), controlNamespace);
    if (wanted.ignored.length > 0)
      job.logger.warn({ count: wanted.ignored.length }, 'flow tap demand names taps this installation cannot serve; ignored');
    logSummary(job, await reconciler.converge(wanted.taps));
    const now = await state.get(DEMAND_VERSION);
    if (now === version) return;
    version = now;
  }
  throw new UpstreamUnavailableError(`flow tap demand changed during ${MAX_ROUNDS} reconcile rounds in a row`);
}

function logSummary(job: JobContext, summary: ReconcileSummary): void {
  const changed = Object.values(summary).some((keys: string[]) => keys.length > 0);
  if (changed) job.logger.info({ ...summary }, 'flow taps reconciled');
}
