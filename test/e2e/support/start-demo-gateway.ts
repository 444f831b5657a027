// Starts a gateway on the demo world in a temp directory, capturing its JSON log.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { createDemoWorld, type DemoPod, type DemoWorld } from '../../../apps/gateway/src/demo/demo-world';
import { type RunningGateway, startGateway } from '../../../apps/gateway/src/start-gateway';
import { CriLogWriter } from '@tailgate/plugin-node-file/testing';

export interface DemoGateway {
  readonly gateway: RunningGateway;
  readonly world: DemoWorld;
  readonly writers: ReadonlyMap<string, CriLogWriter>;
  /** Everything the gateway logged. */
  log(): string;
  /** A counter or gauge value from /metrics. */
  metric(name: string, labels?: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * @param streams overrides of the `streams` settings
 * @param quotas the `quotas` settings; default: the built-in ones
 */
export async function startDemoGateway(
  pods: readonly DemoPod[],
  redisUrl?: string,
  streams: Readonly<Record<string, unknown>> = {},
  quotas?: Readonly<Record<string, unknown>>,
): Promise<DemoGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'tailgate-e2e-'));
  const world = createDemoWorld(dir, {
    port: 0,
    // Its own Redis keys and channels: suites sharing the Redis never see each other's streams, leases or quotas.
    ...(redisUrl && { redisUrl, redisKeyPrefix: `tailgate-e2e-${randomBytes(4).toString('hex')}:` }),
    nodeFile: { pollIntervalMs: 20, scanIntervalMs: 50 },
    streams: { idleGraceMs: 300, ...streams },
    access: { recheckIntervalMs: 250 },
    podMetadataReloadMs: 50,
    logLevel: 'debug',
    ...(quotas && { quotas }),
  });
  const writers = new Map(
    pods.map((pod) => [pod.name, new CriLogWriter(world.podsRoot, { namespace: pod.namespace, pod: pod.name, container: pod.container })]),
  );
  for (const writer of writers.values()) await writer.write('before anyone listened');
  const chunks: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const gateway = await startGateway({ config: world.config, logDestination });
  return {
    gateway,
    world,
    writers,
    log: () => chunks.join(''),
    async metric(name, labels = '') {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
      return line === undefined ? 0 : Number(line.split(' ')[1]);
    },
    async stop() {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
