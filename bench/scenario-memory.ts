// S5, memory per listener: a fresh Tailgate (in-process bus) in this process; RSS and heap after
// a forced GC before any listener, with N idle subscribed listeners, and after a few seconds of
// 10 records/s to all of them. Reported as the delta divided by N.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { ClientFleet } from './client-fleet';
import type { BenchSize } from './bench-size';
import { writeAtRate } from './cri-load';
import { startGatewayPipeline } from './gateway-under-test';
import { S1_POD } from './scenario-throughput';

export interface MemoryResult {
  readonly key: string;
  readonly listeners: number;
  readonly idleRssKiBPerListener: number;
  readonly idleHeapKiBPerListener: number;
  readonly activeRssKiBPerListener: number;
  readonly activeHeapKiBPerListener: number;
  readonly connectMs: number;
}

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

async function settledMemory(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed };
}

export async function runMemory(size: BenchSize, log: (line: string) => void): Promise<MemoryResult> {
  const pods = [S1_POD];
  const pipeline = await startGatewayPipeline({
    label: 'S5 Tailgate, in-process bus',
    pods,
    selector: { namespace: S1_POD.namespace, pod: S1_POD.name },
    user: 'alice',
  });
  const fleet = ClientFleet.start();
  const n = size.memoryListeners;
  try {
    const before = await settledMemory();
    const listeners = Array.from({ length: n }, (_, i) => pipeline.listener(i));
    const connectMs = await fleet.open({
      url: pipeline.url,
      wire: pipeline.wire,
      namespace: pipeline.namespace,
      listeners,
      timeoutMs: 60_000,
    });
    const idle = await settledMemory();
    const writer = pipeline.writers[0];
    if (writer) await writeAtRate(writer, 10, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const active = await settledMemory();
    const kib = (bytes: number): number => Math.round((bytes / 1024 / n) * 10) / 10;
    const result: MemoryResult = {
      key: 'S5',
      listeners: n,
      idleRssKiBPerListener: kib(idle.rss - before.rss),
      idleHeapKiBPerListener: kib(idle.heap - before.heap),
      activeRssKiBPerListener: kib(active.rss - before.rss),
      activeHeapKiBPerListener: kib(active.heap - before.heap),
      connectMs,
    };
    log(`  S5 ${n} listeners: idle ${result.idleRssKiBPerListener} KiB RSS each, active ${result.activeRssKiBPerListener} KiB`);
    return result;
  } finally {
    await fleet.stop();
    await pipeline.close();
  }
}
