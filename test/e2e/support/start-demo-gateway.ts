// Starts a gateway on the demo world in a temp directory, capturing its JSON log.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import {
  createDemoWorld,
  type DemoPod,
  type DemoWorld,
  type DemoWorldOptions,
  writePodFile,
} from '../../../apps/gateway/src/demo/demo-world';
import { type RunningGateway, startGateway } from '../../../apps/gateway/src/start-gateway';
import { CriLogWriter, type CriLogWriterTarget, type CriWriteOptions } from '@tailgate/cri-logs/testing';

import type { Visibility } from '../../support/leak-oracle';
import { demoVisibility } from './demo-visibility';
import { LogClient } from './log-client';

/** A writer that remembers every line, so the leak oracle knows whose lines are whose. */
export class TrackedCriLogWriter extends CriLogWriter {
  constructor(
    root: string,
    target: CriLogWriterTarget,
    private readonly written: string[],
  ) {
    super(root, target);
  }

  override write(line: string, options?: CriWriteOptions): Promise<void> {
    this.written.push(line);
    return super.write(line, options);
  }

  override writeMany(lines: readonly string[], options?: CriWriteOptions): Promise<void> {
    this.written.push(...lines);
    return super.writeMany(lines, options);
  }
}

export interface DemoGateway {
  readonly gateway: RunningGateway;
  readonly world: DemoWorld;
  readonly writers: ReadonlyMap<string, CriLogWriter>;
  /** What a demo user may see on the pods as they are labelled now, with the other pods' lines as secrets. */
  sees(user: string): Visibility;
  /** Connects a demo user whose every event the leak oracle checks; closed by `closeClients` or `stop`. */
  connect(user: string): Promise<LogClient>;
  /** Closes every client `connect` opened (and fails if any got what it must not). */
  closeClients(): void;
  /** Rewrites the pod metadata (labels) the gateway reads. */
  relabel(pods: readonly DemoPod[]): void;
  /** Everything the gateway logged. */
  log(): string;
  /** A counter or gauge value from /metrics. */
  metric(name: string, labels?: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * @param streams overrides of the `streams` settings
 * @param quotas the `quotas` settings; default: the built-in ones
 * @param edge the connection limits and allowed browser origins, and the audit trail; default: the built-in ones (audit off)
 */
export async function startDemoGateway(
  pods: readonly DemoPod[],
  redisUrl?: string,
  streams: Readonly<Record<string, unknown>> = {},
  quotas?: Readonly<Record<string, unknown>>,
  edge: Pick<DemoWorldOptions, 'connections' | 'corsOrigins' | 'audit'> = {},
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
    ...edge,
  });
  const written = new Map(pods.map((pod) => [`${pod.namespace}/${pod.name}`, [] as string[]]));
  const writers = new Map(
    pods.map((pod) => [
      pod.name,
      new TrackedCriLogWriter(
        world.podsRoot,
        { namespace: pod.namespace, pod: pod.name, container: pod.container },
        written.get(`${pod.namespace}/${pod.name}`) ?? [],
      ),
    ]),
  );
  let current = pods;
  const clients: LogClient[] = [];
  const sees = (user: string) => demoVisibility(user, () => current, written);
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
    sees,
    async connect(user) {
      const client = await LogClient.connect(gateway.url, { token: world.tokens[user], sees: sees(user) });
      clients.push(client);
      return client;
    },
    closeClients() {
      for (const client of clients.splice(0)) client.close();
    },
    relabel(next) {
      current = next;
      writePodFile(world.podFile, next);
    },
    log: () => chunks.join(''),
    async metric(name, labels = '') {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
      return line === undefined ? 0 : Number(line.split(' ')[1]);
    },
    async stop() {
      try {
        for (const client of clients.splice(0)) client.close();
      } finally {
        await gateway.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
