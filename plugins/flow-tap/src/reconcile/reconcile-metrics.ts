// The reconcile job's counters: what someone else did to a tap that the job had to undo or could
// not serve. Label values are tap kinds only, never names.
import type { PluginCounter, PluginMetrics } from '@tailgate/plugin-sdk';

export const REFS_RESTORED_METRIC = 'tailgate_flow_tap_refs_restored_total';
export const FLOWS_MISSING_METRIC = 'tailgate_flow_tap_flows_missing_total';

export interface ReconcileCounters {
  /** A tap Output's ref that was removed from its Flow by someone else (a GitOps revert) and re-added. */
  readonly refsRestored: PluginCounter<'kind'>;
  /** A wanted tap whose Flow does not exist: nothing is created for it. */
  readonly flowsMissing: PluginCounter<'kind'>;
}

const NO_COUNTER: PluginCounter<'kind'> = { inc: () => undefined };

/** Backed by the host's metrics when it offers them (the worker may not). */
export function reconcileCounters(metrics: PluginMetrics | undefined): ReconcileCounters {
  if (metrics === undefined) return { refsRestored: NO_COUNTER, flowsMissing: NO_COUNTER };
  return {
    refsRestored: metrics.counter({
      name: REFS_RESTORED_METRIC,
      help: 'Tap Output refs removed from their Flow by someone else and re-added, by kind: flow, clusterflow.',
      labelNames: ['kind'],
    }),
    flowsMissing: metrics.counter({
      name: FLOWS_MISSING_METRIC,
      help: 'Reconciles of a wanted tap whose Flow or ClusterFlow does not exist, by kind: flow, clusterflow.',
      labelNames: ['kind'],
    }),
  };
}
