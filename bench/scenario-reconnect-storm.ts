// S6, reconnect storm: N listeners of I distinct identities (half team-a, half team-b), each
// subscribed to its team's namespace, in two client-fleet processes. Lines go to the demo's four
// pods at a fixed rate throughout. Each run starts a fresh gateway (cold decision cache, no
// upstream yet), as when a replica restarts, and every listener drops at once and reconnects to
// it after a random 0–jitter delay. Measured: time from the drop until every listener received a
// record again, and the access reviews the fresh gateway made (chain evaluations, not cache hits:
// `tailgate_access_decisions_total`), against distinct (identity, namespace, pod) tuples. Then a
// second storm onto the same, now warm, gateway (a network blip) for comparison.
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { DEMO_PODS, type DemoPod } from '../apps/gateway/src/demo/demo-world';
import { startGateway, type RunningGateway } from '../apps/gateway/src/start-gateway';
import { createBenchFiles } from './bench-files';
import type { BenchSize } from './bench-size';
import { allows, type BenchIdentity, createGatewayWorld, generatedIdentities, type GatewayWorld } from './bench-world';
import { openSplit, startFleets } from './client-fleet';
import type { StormTally } from './fleet-protocol';
import { listenerPlanner } from './gateway-under-test';
import { spread, type Spread } from './percentiles';

const FLEETS = 2;
/** Lines per second to each pod while the storms run: 20/s gives a listener a record every 25–50 ms. */
const RATE_PER_POD = 20;

export interface StormKindResult {
  /** Drop → every listener received a record again, ms. */
  readonly streamingMs: Spread;
  /** Drop → every listener subscribed again, ms. */
  readonly subscribedMs: Spread;
  /** Target and scope reviews the gateway made during the storm. */
  readonly targetReviews: Spread;
  readonly scopeReviews: Spread;
  /** The gateway's event-loop delay p99 during the storm, ms. */
  readonly loopDelayP99Ms: Spread;
  readonly retries: Spread;
}

export interface ReconnectStormResult {
  readonly key: 'S6';
  readonly listeners: number;
  readonly identities: number;
  readonly jitterMs: number;
  readonly fleets: number;
  /** Distinct (identity, namespace, pod) tuples the listeners' streams cover, and (identity, namespace) scopes. */
  readonly targetTuples: number;
  readonly scopeTuples: number;
  readonly cold: StormKindResult;
  readonly warm: StormKindResult;
  readonly problems: readonly string[];
}

interface StormSample {
  readonly streamingMs: number;
  readonly subscribedMs: number;
  readonly targetReviews: number;
  readonly scopeReviews: number;
  readonly loopDelayP99Ms: number;
  readonly retries: number;
}

interface Replica {
  readonly gateway: RunningGateway;
  readonly world: GatewayWorld;
}

const reviews = async (gateway: RunningGateway, kind: 'scope' | 'target'): Promise<number> => {
  const values = (await gateway.metrics.registry.getSingleMetric('tailgate_access_decisions_total')?.get())?.values ?? [];
  return values.filter((v) => v.labels.kind === kind).reduce((sum, v) => sum + v.value, 0);
};

export async function runReconnectStorm(size: BenchSize, log: (line: string) => void): Promise<ReconnectStormResult> {
  const n = size.stormListeners;
  const identities = generatedIdentities(size.stormIdentities);
  const pods: readonly DemoPod[] = DEMO_PODS;
  const files = createBenchFiles('s6', pods);
  const options = {
    label: 'S6',
    pods,
    selector: {},
    identities,
    plan: (index: number, ids: readonly BenchIdentity[]) => {
      const identity = ids[index % ids.length] as BenchIdentity;
      return { identity, selector: { namespace: identity.groups[0] as string } };
    },
  };
  const planner = listenerPlanner(options, identities);
  const used = identities.slice(0, Math.min(n, identities.length));
  const targetTuples = used.reduce((sum, id) => sum + pods.filter((pod) => pod.namespace === id.groups[0]).length, 0);
  const visible = used.every((id) => pods.some((pod) => pod.namespace === id.groups[0] && allows(id, pod)));
  if (!visible) throw new Error('an S6 identity would see no pod, so it could never be streaming');
  const startReplica = async (): Promise<Replica> => {
    const world = createGatewayWorld({ podsRoot: files.podsRoot, pods, identities });
    return { world, gateway: await startGateway({ config: world.config, logDestination: process.stderr }) };
  };
  const stopReplica = async (replica: Replica): Promise<void> => {
    await replica.gateway.close();
    replica.world.remove();
  };
  const fleets = startFleets(FLEETS);
  const samples: Record<'cold' | 'warm', StormSample[]> = { cold: [], warm: [] };
  const problems: string[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  let current = await startReplica();
  const writing = keepWriting(files.writers);
  const storm = async (replica: Replica, kind: 'cold' | 'warm', run: number): Promise<void> => {
    const before = { target: await reviews(replica.gateway, 'target'), scope: await reviews(replica.gateway, 'scope') };
    loopDelay.reset();
    loopDelay.enable();
    const timeoutMs = size.stormJitterMs + size.timeoutMs;
    for (const fleet of fleets) fleet.startStorm({ url: replica.gateway.url, jitterMs: size.stormJitterMs, timeoutMs });
    const tallies: StormTally[] = await Promise.all(fleets.map((fleet) => fleet.stormed(timeoutMs)));
    loopDelay.disable();
    const droppedAt = Math.min(...tallies.map((t) => t.droppedAt));
    const streaming = tallies.reduce((sum, t) => sum + t.streaming, 0);
    const sample: StormSample = {
      streamingMs: Math.max(...tallies.map((t) => t.streamingAt)) - droppedAt,
      subscribedMs: Math.max(...tallies.map((t) => t.subscribedAt)) - droppedAt,
      targetReviews: (await reviews(replica.gateway, 'target')) - before.target,
      scopeReviews: (await reviews(replica.gateway, 'scope')) - before.scope,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      retries: tallies.reduce((sum, t) => sum + t.retries, 0),
    };
    if (streaming < n) problems.push(`${kind} storm ${run}: ${streaming} of ${n} listeners streaming again within ${timeoutMs} ms`);
    samples[kind].push(sample);
    log(
      `  S6 ${kind} storm ${run}: all streaming after ${sample.streamingMs.toFixed(0)} ms (subscribed ${sample.subscribedMs.toFixed(0)} ms), reviews ${sample.targetReviews} target + ${sample.scopeReviews} scope, loop p99 ${sample.loopDelayP99Ms.toFixed(0)} ms`,
    );
  };
  try {
    await openSplit(fleets, {
      url: current.gateway.url,
      wire: 'socket.io',
      namespace: '/logs',
      listeners: Array.from({ length: n }, (_, i) => planner.listener(i)),
      timeoutMs: 60_000,
    });
    for (let run = 1; run <= size.stormRuns; run++) {
      const fresh = await startReplica();
      await storm(fresh, 'cold', run);
      await stopReplica(current);
      current = fresh;
      await storm(current, 'warm', run);
    }
  } finally {
    await writing.stop();
    for (const fleet of fleets) await fleet.stop();
    await stopReplica(current);
    files.remove();
  }
  const summarize = (runs: readonly StormSample[]): StormKindResult => ({
    streamingMs: spread(runs.map((r) => r.streamingMs)),
    subscribedMs: spread(runs.map((r) => r.subscribedMs)),
    targetReviews: spread(runs.map((r) => r.targetReviews)),
    scopeReviews: spread(runs.map((r) => r.scopeReviews)),
    loopDelayP99Ms: spread(runs.map((r) => r.loopDelayP99Ms)),
    retries: spread(runs.map((r) => r.retries)),
  });
  return {
    key: 'S6',
    listeners: n,
    identities: used.length,
    jitterMs: size.stormJitterMs,
    fleets: FLEETS,
    targetTuples,
    scopeTuples: used.length,
    cold: summarize(samples.cold),
    warm: summarize(samples.warm),
    problems,
  };
}

/** Appends one line to every writer RATE_PER_POD times a second until stopped. */
function keepWriting(writers: readonly { writeRaw(text: string): Promise<void> }[]): { stop(): Promise<void> } {
  let stopped = false;
  let seq = 0;
  const loop = (async () => {
    while (!stopped) {
      const line = `2026-01-01T00:00:00.000000000Z stdout F storm seq=${seq++} level=info msg=reconnect\n`;
      await Promise.all(writers.map((writer) => writer.writeRaw(line)));
      await new Promise((resolve) => setTimeout(resolve, 1000 / RATE_PER_POD));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
