// What the flow tap registers besides its jobs, and where. The gateway (it offers plugin HTTP)
// gets the `flows` source and the ingest endpoint; the worker offers neither and runs only the
// reconcile jobs, which plugin.ts adds in every process.
import { kubeServiceRef } from '@tailgate/kube';
import {
  logBusServiceRef,
  type PluginContext,
  pluginHttpServiceRef,
  pluginMetricsServiceRef,
  podMetadataServiceRef,
  sharedStateServiceRef,
} from '@tailgate/plugin-sdk';

import type { FlowTapConfig } from './flow-tap-config';
import { flowTapCounters } from './flow-tap-metrics';
import { FlowTapSource } from './flow-tap-source';
import { ingestEndpoint, type ReadIngestBody } from './ingest-endpoint';
import type { TapJobs } from './tap-demand';
import { TapCredentials } from './tap-credentials';

export function registerFlowTapGateway(ctx: PluginContext<FlowTapConfig>, jobs: TapJobs, readBody: ReadIngestBody): void {
  if (!ctx.has(pluginHttpServiceRef)) return;
  const { config } = ctx;
  const state = ctx.use(sharedStateServiceRef);
  const bus = ctx.use(logBusServiceRef);
  const counters = flowTapCounters(ctx.use(pluginMetricsServiceRef));
  ctx.addLogSource(
    new FlowTapSource({
      controlNamespace: config.controlNamespace,
      // Without the Kubernetes API the source admits nobody (and says why) rather than failing boot.
      kube: ctx.has(kubeServiceRef) ? ctx.use(kubeServiceRef) : undefined,
      bus,
      state,
      jobs,
      // Required: a record's pod is only ever judged by the apiserver's object, never by the body.
      pods: ctx.use(podMetadataServiceRef),
      dropped: counters.recordsDropped,
      demandTtlMs: config.demandTtlMs,
      limits: config.stream,
    }),
  );
  ctx.use(pluginHttpServiceRef).mount(
    ctx.pluginId,
    ingestEndpoint({
      controlNamespace: config.controlNamespace,
      limits: config.ingest,
      credentials: new TapCredentials(state, ctx.logger),
      bus,
      counters,
      logger: ctx.logger,
      readBody,
    }),
  );
}
