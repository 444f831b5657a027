// One run of a tap on the gateway (the host runs at most one per tap, cluster-wide): listens on
// the tap's records channel first, so nothing ingested after the tap goes live is missed, then
// states demand for it (TapDemand) until the host aborts the run, and withdraws it at the end.
import type { PluginBus, PluginCounter, PodMetadataService, SharedState, SourceEvent, StreamContext } from '@tailgate/plugin-sdk';

import type { TapStreamLimits } from './flow-tap-config';
import { TapDemand, type TapJobs } from './tap-demand';
import { TapInbox } from './tap-inbox';
import { type TapRef, tapKey } from './tap-ref';
import { recordsChannel } from './tap-state';

export interface TapStreamDeps {
  readonly bus: PluginBus;
  readonly state: SharedState;
  readonly jobs: TapJobs;
  readonly pods: PodMetadataService;
  readonly dropped: PluginCounter<'reason'>;
  readonly demandTtlMs: number;
  readonly limits: TapStreamLimits;
}

export async function* runTapStream(tap: TapRef, deps: TapStreamDeps, ctx: StreamContext): AsyncGenerator<SourceEvent> {
  const inbox = new TapInbox({ tap, pods: deps.pods, dropped: deps.dropped, logger: ctx.logger, ...deps.limits });
  const unsubscribe = await deps.bus.subscribe(recordsChannel(tap), (message) => inbox.take(message));
  const demand = new TapDemand(tapKey(tap), { state: deps.state, jobs: deps.jobs, ttlMs: deps.demandTtlMs, logger: ctx.logger });
  try {
    await demand.start();
    yield* inbox.drain(ctx.signal);
  } finally {
    await unsubscribe().catch((error: unknown) =>
      ctx.logger.warn({ tap: tapKey(tap), err: error instanceof Error ? error.name : 'unknown' }, 'leaving the tap records channel failed'),
    );
    await demand.stop();
  }
}
