// Tailgate itself as a pipeline under test: the demo world's configuration (static tokens,
// namespace allowlist + pod-label policy, node-file source), started in this process on a free
// loopback port, on the in-process bus or on Redis.
import 'reflect-metadata';

import { createDemoWorld, DEMO_PODS } from '../apps/gateway/src/demo/demo-world';
import { startGateway } from '../apps/gateway/src/start-gateway';
import { createBenchFiles } from './bench-files';
import { type BenchPod, type PipelineUnderTest, userOf } from './pipeline-under-test';

/** The demo's policy, by user and pod (demo-world.ts: team allowlist, then pod labels). */
const VISIBLE: Readonly<Record<string, readonly string[]>> = {
  alice: ['checkout-api', 'payments-worker'],
  carol: ['checkout-api'],
  bob: ['web-frontend', 'search-indexer'],
};

export interface GatewayOptions {
  readonly label: string;
  readonly pods: readonly BenchPod[];
  readonly selector: Readonly<Record<string, string>>;
  readonly redis?: { readonly url: string; readonly pid: number };
  /** node-file settings over its defaults, e.g. `{ pollIntervalMs: 10 }`. */
  readonly nodeFile?: Readonly<Record<string, unknown>>;
  /** Every listener subscribes as this user; default: alice, carol, bob in turn. */
  readonly user?: string;
  /** `streams` settings over STREAM_DEFAULTS, e.g. `{ listenerBufferBytes: 65536 }`. */
  readonly streams?: Readonly<Record<string, unknown>>;
}

export const STREAM_DEFAULTS = { maxBatchRecords: 100, maxBatchWaitMs: 10 } as const;

/** The bench opens up to thousands of subscriptions per demo user within seconds; quotas are not what it measures. */
const NO_QUOTAS = { user: { maxSubscriptions: 1_000_000, maxStreams: 1_000_000, subscribesPerMinute: 1_000_000 } } as const;

export async function startGatewayPipeline(options: GatewayOptions): Promise<PipelineUnderTest> {
  for (const pod of options.pods) {
    if (!DEMO_PODS.some((p) => p.name === pod.name)) throw new Error(`${pod.name} is not a demo pod; its labels decide access`);
  }
  const files = createBenchFiles('gateway', options.pods);
  const world = createDemoWorld(files.dir, {
    port: 0,
    ...(options.redis && { redisUrl: options.redis.url }),
    nodeFile: { ...options.nodeFile },
    streams: { ...STREAM_DEFAULTS, ...options.streams },
    quotas: NO_QUOTAS,
    logLevel: 'error',
  });
  if (world.podsRoot !== files.podsRoot) throw new Error('the demo world moved its pod directory');
  const gateway = await startGateway({ config: world.config, logDestination: process.stderr });
  const userAt = (index: number): string => options.user ?? userOf(index);
  return {
    label: options.label,
    url: gateway.url,
    wire: 'socket.io',
    namespace: '/logs',
    writers: files.writers,
    processes: options.redis ? { redis: options.redis.pid } : {},
    listener: (index) => ({ token: world.tokens[userAt(index)], subscribe: { source: 'node-file.pods', selector: options.selector } }),
    sees: (index, pod) => (VISIBLE[userAt(index)] ?? []).includes(pod.name),
    async metric(name, label) {
      const values = (await gateway.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
      const matching = values.filter((v) => label === undefined || v.labels[label[0]] === label[1]);
      return matching.reduce((sum, v) => sum + v.value, 0);
    },
    async close() {
      await gateway.close();
      files.remove();
    },
  };
}
