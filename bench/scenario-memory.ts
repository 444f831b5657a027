// S5, memory per listener: Tailgate (in-process bus) in a fresh process of its own, `runs` times
// over. In each, RSS and heap after forced garbage collections before any listener, with N idle
// subscribed listeners, and after a few seconds of 10 records/s to all of them; each delta
// divided by N. The result is the median over the processes, with its min and max.
import type { BenchSize } from './bench-size';
import { createBenchFiles } from './bench-files';
import { demoIdentities } from './bench-world';
import { ClientFleet } from './client-fleet';
import { writeAtRate } from './cri-load';
import { GatewayReplica } from './gateway-replica';
import { listenerPlanner } from './gateway-under-test';
import type { SettledMemory } from './gateway-process';
import { spread, type Spread } from './percentiles';
import { S1_POD } from './scenario-throughput';

export interface MemoryResult {
  readonly key: string;
  readonly listeners: number;
  /** Fresh gateway processes measured. */
  readonly processes: number;
  readonly idleRssKiBPerListener: Spread;
  readonly idleHeapKiBPerListener: Spread;
  readonly activeRssKiBPerListener: Spread;
  readonly activeHeapKiBPerListener: Spread;
  /** Median time to open and subscribe all listeners. */
  readonly connectMs: number;
}

interface MemorySample {
  readonly idleRss: number;
  readonly idleHeap: number;
  readonly activeRss: number;
  readonly activeHeap: number;
  readonly connectMs: number;
}

export async function runMemory(size: BenchSize, log: (line: string) => void): Promise<MemoryResult> {
  const samples: MemorySample[] = [];
  for (let run = 0; run < size.memoryRuns; run++) {
    const sample = await measureFreshGateway(size.memoryListeners);
    samples.push(sample);
    log(
      `  S5 process ${run + 1}/${size.memoryRuns}: idle ${sample.idleRss.toFixed(1)} KiB RSS per listener, active ${sample.activeRss.toFixed(1)} KiB`,
    );
  }
  const result: MemoryResult = {
    key: 'S5',
    listeners: size.memoryListeners,
    processes: samples.length,
    idleRssKiBPerListener: spread(samples.map((s) => s.idleRss)),
    idleHeapKiBPerListener: spread(samples.map((s) => s.idleHeap)),
    activeRssKiBPerListener: spread(samples.map((s) => s.activeRss)),
    activeHeapKiBPerListener: spread(samples.map((s) => s.activeHeap)),
    connectMs: spread(samples.map((s) => s.connectMs)).median,
  };
  log(
    `  S5 ${result.listeners} listeners, median of ${result.processes}: idle ${result.idleRssKiBPerListener.median.toFixed(1)} KiB RSS each, active ${result.activeRssKiBPerListener.median.toFixed(1)} KiB`,
  );
  return result;
}

/** One fresh gateway process on one stream (alice on checkout-api) with `n` listeners. */
async function measureFreshGateway(n: number): Promise<MemorySample> {
  const pods = [S1_POD];
  const files = createBenchFiles('s5', pods);
  const identities = demoIdentities();
  // The client process loads (tsx, about a second) while the gateway starts.
  const fleet = ClientFleet.start();
  let gateway: GatewayReplica | undefined;
  try {
    gateway = await GatewayReplica.start({ podsRoot: files.podsRoot, pods: [], identities });
    const planner = listenerPlanner(
      { label: 'S5', pods, selector: { namespace: S1_POD.namespace, pod: S1_POD.name }, user: 'alice' },
      identities,
    );
    const before = await gateway.memory();
    const connectMs = await fleet.open({
      url: gateway.url,
      wire: 'socket.io',
      namespace: '/logs',
      listeners: Array.from({ length: n }, (_, i) => planner.listener(i)),
      timeoutMs: 60_000,
    });
    const idle = await gateway.memory();
    const writer = files.writers[0];
    if (writer) await writeAtRate(writer, 10, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const active = await gateway.memory();
    const kib = (after: SettledMemory, field: keyof SettledMemory): number =>
      Math.round(((after[field] - before[field]) / 1024 / n) * 10) / 10;
    return {
      idleRss: kib(idle, 'rss'),
      idleHeap: kib(idle, 'heapUsed'),
      activeRss: kib(active, 'rss'),
      activeHeap: kib(active, 'heapUsed'),
      connectMs,
    };
  } finally {
    await fleet.stop();
    await gateway?.stop();
    files.remove();
  }
}
