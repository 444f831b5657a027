// Several gateway processes on one demo world and one Redis or Redis Cluster (a key prefix of
// their own), with a log writer for the demo's checkout-api pod and clients connected to any of them.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CriLogWriter } from '@tailgate/cri-logs/testing';

import { createDemoWorld, DEMO_PODS, type DemoWorld } from '../../../apps/gateway/src/demo/demo-world';
import { demoVisibility } from './demo-visibility';
import { type GatewayProcess, spawnGateway } from './gateway-process';
import { LogClient } from './log-client';

export interface ReplicaSetOptions {
  readonly replicas: number;
  readonly redisUrl: string;
  /** Names the key prefix and the temp directory. */
  readonly name: string;
  /** Overrides of the `streams` settings. */
  readonly streams: Readonly<Record<string, unknown>>;
  /** Further seed nodes of a Redis Cluster that `redisUrl` belongs to: the replicas then run on it. Default: one Redis. */
  readonly clusterNodes?: readonly string[];
  /** The `quotas` settings; default: the built-in ones. */
  readonly quotas?: Readonly<Record<string, unknown>>;
}

export interface ReplicaSet {
  readonly world: DemoWorld;
  readonly replicas: readonly GatewayProcess[];
  /** Writes the log of team-a/checkout-api, container api. */
  readonly writer: CriLogWriter;
  connect(replica: GatewayProcess, user?: string): Promise<LogClient>;
  /** The sum of a metric over these replicas. */
  sum(replicas: readonly GatewayProcess[], name: string, labels?: string): Promise<number>;
  /** Those of these replicas that hold a stream lease now. */
  holders(replicas?: readonly GatewayProcess[]): Promise<GatewayProcess[]>;
  stop(): Promise<void>;
}

export async function startReplicaSet(options: ReplicaSetOptions): Promise<ReplicaSet> {
  const dir = mkdtempSync(join(tmpdir(), `tailgate-${options.name}-`));
  const demo = createDemoWorld(dir, {
    port: 0,
    redisUrl: options.redisUrl,
    nodeFile: { pollIntervalMs: 20, scanIntervalMs: 50 },
    streams: options.streams,
    podMetadataReloadMs: 50,
    logLevel: 'info',
    ...(options.quotas && { quotas: options.quotas }),
  });
  const keyPrefix = `test:${options.name}:${randomUUID().slice(0, 8)}:`;
  const cluster = options.clusterNodes && { cluster: true, clusterNodes: [...options.clusterNodes] };
  const world: DemoWorld = { ...demo, config: { ...demo.config, redis: { ...demo.config.redis, keyPrefix, ...cluster } } };
  const writer = new CriLogWriter(world.podsRoot, { namespace: 'team-a', pod: 'checkout-api', container: 'api' });
  const replicas = await Promise.all(Array.from({ length: options.replicas }, (_, i) => spawnGateway(world.config, dir, `replica-${i}`)));
  const clients: LogClient[] = [];
  const sum = async (among: readonly GatewayProcess[], name: string, labels?: string) =>
    (await Promise.all(among.map((replica) => replica.metric(name, labels)))).reduce((a, b) => a + b, 0);
  return {
    world,
    replicas,
    writer,
    async connect(replica, user = 'alice') {
      const client = await LogClient.connect(replica.url, { token: world.tokens[user], sees: demoVisibility(user, () => DEMO_PODS) });
      clients.push(client);
      return client;
    },
    sum,
    async holders(among = replicas) {
      const held = await Promise.all(among.map((replica) => replica.metric('tailgate_stream_leases_held')));
      return among.filter((_, i) => (held[i] ?? 0) > 0);
    },
    async stop() {
      for (const client of clients) client.close();
      for (const replica of replicas) replica.kill('SIGKILL');
      await Promise.all(replicas.map((replica) => replica.exited));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
