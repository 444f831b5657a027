// The access audit trail of two gateway replicas on the real apiserver and a real redis-server
// (issue 16): each replica writes its own JSON-lines file and queues its webhook batches in Redis;
// the worker posts them. alice reads on replica 1, dave is refused on replica 2, alice leaves and
// replica 1 stops while the webhook answers 503; once it recovers, the webhook has every event of
// both replicas exactly once, in order per connection, the same events as the two files together,
// and no token anywhere.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { AUDIT_DELIVERY_JOB, type AuditEvent, type AuditEventList } from '@tailgate/audit';
import { parseConfig, type TailgateConfig } from '@tailgate/config';
import { hostJobName } from '@tailgate/jobs';
import { type RedisServer, startRedisServer } from '@tailgate/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { type RunningWorker, startWorker } from '../../apps/worker/src/start-worker';
import { suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { LogClient, SEES_EVERYTHING, seesTargets, type Visibility } from '../e2e/support/log-client';
import { grantGatewayIdentity, grantPodLogsSource } from './src/gateway-kube';
import { kubeGatewayConfig } from './src/kube-gateway-config';

const POD_LOG = { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] };
const KEY_PREFIX = `tailgate-audit-replicas-${suffix()}:`;
const CONNECTION = 'tailgate.dev/connection';
const MOMENT = 'tailgate.dev/event';

/** A webhook backend that answers 503 while `failing`, else 200 and keeps the items in arrival order. */
class Webhook {
  readonly bodies: string[] = [];
  readonly items: AuditEvent[] = [];
  failing = false;
  refused = 0;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.bodies.push(body);
        if (this.failing) {
          this.refused += 1;
          response.writeHead(503).end();
          return;
        }
        this.items.push(...((JSON.parse(body) as Partial<AuditEventList>).items ?? []));
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/audit`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.server === undefined) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

/** The worker's `tailgate_jobs_<outcome>_total` of the delivery job. */
async function jobRuns(worker: RunningWorker, outcome: 'completed' | 'retried'): Promise<number> {
  const metric = await worker.metrics.registry.getSingleMetric(`tailgate_jobs_${outcome}_total`)?.get();
  return metric?.values.find((value) => value.labels.job === hostJobName(AUDIT_DELIVERY_JOB))?.value ?? 0;
}

const silent = (): Writable => new Writable({ write: (_chunk, _encoding, done) => done() });
const key = (event: AuditEvent) => `${event.auditID} ${event.stage}`;
const summary = (event: AuditEvent) =>
  `${event.user.username ?? '-'} ${event.annotations?.[MOMENT]} ${event.stage} ${event.responseStatus?.code ?? '-'}`;
/** A canonical text of an event, to compare multisets. */
const canonical = (event: AuditEvent): string => {
  const { kind: _kind, apiVersion: _apiVersion, ...item } = event as AuditEvent & { kind?: string; apiVersion?: string };
  const sortKeys = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sortKeys)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, sortKeys(v)]),
          )
        : value;
  return JSON.stringify(sortKeys(item));
};

describe('audit trail of two replicas on Redis and the real apiserver', () => {
  let ctx: ClusterTestContext;
  let ns: string;
  let redis: RedisServer;
  let dir: string;
  let replica1: RunningGateway | undefined;
  let replica2: RunningGateway | undefined;
  let worker: RunningWorker | undefined;
  const webhook = new Webhook();
  const clients: LogClient[] = [];
  const files = () => [join(dir, 'replica-1.log'), join(dir, 'replica-2.log')];

  function config(file: string): TailgateConfig {
    const parsed = parseConfig({
      ...kubeGatewayConfig(ctx, { redisUrl: redis.url, keyPrefix: KEY_PREFIX, logLevel: 'silent' }),
      jobs: { backoffBaseMs: 20, http: { host: '127.0.0.1', port: 0 } },
      audit: {
        enabled: true,
        file: { path: file },
        webhook: { url: webhook.url, initialBackoffMs: 20, maxAttempts: 12 },
        queue: { maxBatchWaitMs: 20 },
      },
      plugins: { 'kube-token': {}, 'kube-rbac': {}, 'kube-pod-logs': { retryMinMs: 50, retryMaxMs: 500 } },
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    return parsed.config;
  }

  beforeAll(async () => {
    ctx = await connectToTestCluster(`tg-audit-replicas-${suffix()}`);
    ns = await ctx.fixtures.namespace('tg-audit-rep');
    await Promise.all([
      grantGatewayIdentity(ctx),
      grantPodLogsSource(ctx),
      ctx.fixtures.pod(ns, 'web', { containers: ['app'] }),
      ctx.fixtures
        .role(ns, 'log-reader', [POD_LOG])
        .then(() => ctx.fixtures.roleBinding(ns, 'alice-reads', { kind: 'Role', name: 'log-reader' }, [user('alice')])),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'tg-audit-replicas-'));
    [redis] = await Promise.all([startRedisServer(), webhook.start()]);
    const [file1, file2] = files();
    [replica1, replica2] = await Promise.all([
      startGateway({ config: config(file1!), logDestination: silent() }),
      startGateway({ config: config(file2!), logDestination: silent() }),
    ]);
    // The worker with the same config (its own file path, which it never writes).
    worker = await startWorker(config(join(dir, 'worker.log')), { logDestination: silent(), plugins: [] });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await replica1?.close();
    await replica2?.close();
    await worker?.stop('test over');
    await webhook.close();
    await redis?.stop();
    await ctx?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const web = () => ({ source: 'kube-pod-logs.pods', selector: { namespaces: [ns], pods: ['web'] } });
  const fileText = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  const fileEvents = (path: string) =>
    fileText(path)
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditEvent);

  async function connect(url: string, token: string, sees: Visibility = SEES_EVERYTHING): Promise<LogClient> {
    const client = await LogClient.connect(url, { token, sees });
    clients.push(client);
    return client;
  }

  it('delivers every event of both replicas exactly once, in order per connection, across a replica stop and a webhook outage', async () => {
    const tokens = { alice: ctx.cluster.users.alice!.token, dave: ctx.cluster.users.dave!.token };

    // alice reads web on replica 1 and receives lines.
    const alice = await connect(replica1!.url, tokens.alice);
    const aliceSub = await alice.subscribe(web());
    expect(aliceSub.ok, JSON.stringify(aliceSub)).toBe(true);
    const app = ctx.kubelet.container(ns, 'web', 'app');
    let n = 0;
    app.write(`for alice ${n++}`);
    const ticker = setInterval(() => app.write(`for alice ${n++}`), 20);
    try {
      await alice.waitFor(() => alice.lines().some((line) => line.startsWith('for alice')), 'a line for alice');
    } finally {
      clearInterval(ticker);
    }
    app.write('for alice last');
    await alice.waitFor(() => alice.lines().includes('for alice last'), 'for alice last');

    // dave has no rights: refused on replica 2.
    const dave = await connect(
      replica2!.url,
      tokens.dave,
      seesTargets(() => false),
    );
    expect(await dave.subscribe(web())).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await vi.waitFor(() => expect(webhook.items.length, 'the first four events at the webhook').toBeGreaterThanOrEqual(4), {
      timeout: 5_000,
      interval: 20,
    });

    // The webhook goes down; alice leaves, and replica 1 stops during the outage.
    webhook.failing = true;
    expect(await alice.emitRaw('unsubscribe', { id: aliceSub.ok ? aliceSub.id : '' })).toEqual({ ok: true });
    const aliceConnection = alice.socket.id!;
    const daveConnection = dave.socket.id!;
    await vi.waitFor(() => expect(webhook.refused, 'the webhook refused a batch').toBeGreaterThanOrEqual(1), {
      timeout: 5_000,
      interval: 20,
    });
    await replica1!.close();
    replica1 = undefined;
    await vi.waitFor(() => expect(webhook.refused, 'the webhook refused retries').toBeGreaterThanOrEqual(3), {
      timeout: 5_000,
      interval: 20,
    });
    webhook.failing = false;

    const [file1, file2] = files().map(fileEvents);
    const all = [...file1!, ...file2!];
    expect(file1!.map(summary)).toEqual([
      'alice subscribe RequestReceived -',
      'alice decision ResponseStarted 200',
      'alice stream-end ResponseComplete 200',
    ]);
    expect(file2!.map(summary)).toEqual(['dave subscribe RequestReceived -', 'dave decision ResponseComplete 403']);
    await vi.waitFor(() => expect(webhook.items.length, 'every event at the webhook').toBeGreaterThanOrEqual(all.length), {
      timeout: 15_000,
      interval: 50,
    });
    // Nothing more arrives late (a duplicate retry, say).
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Exactly once, by auditID and stage; the same events as the two files together.
    const keys = webhook.items.map(key);
    expect(new Set(keys).size, 'no duplicate at the webhook').toBe(keys.length);
    expect([...keys].sort()).toEqual(all.map(key).sort());
    expect(webhook.items.map(canonical).sort()).toEqual(all.map(canonical).sort());
    // In order per connection, as each replica wrote them.
    for (const connection of [aliceConnection, daveConnection]) {
      const of = (events: readonly AuditEvent[]) => events.filter((e) => e.annotations?.[CONNECTION] === connection).map(key);
      expect(of(webhook.items), `order of connection ${connection}`).toEqual(of(all));
    }

    // alice's read, on replica 1.
    const aliceEvents = webhook.items.filter((e) => e.annotations?.[CONNECTION] === aliceConnection);
    expect(new Set(aliceEvents.map((e) => e.auditID)).size).toBe(1);
    expect(aliceEvents).toMatchObject([
      { stage: 'RequestReceived', user: { username: 'alice' }, annotations: { [MOMENT]: 'subscribe' } },
      {
        stage: 'ResponseStarted',
        responseStatus: { code: 200 },
        annotations: {
          [MOMENT]: 'decision',
          'authorization.k8s.io/decision': 'allow',
          'authorization.k8s.io/reason': expect.stringMatching(/^RBAC: allowed by/) as unknown as string,
        },
      },
      {
        stage: 'ResponseComplete',
        responseStatus: { code: 200 },
        annotations: { [MOMENT]: 'stream-end', 'tailgate.dev/end-reason': 'unsubscribed' },
      },
    ]);
    const records = Number(aliceEvents[2]?.annotations?.['tailgate.dev/records']);
    expect(records).toBeGreaterThan(0);
    expect(records).toBe(alice.records.length);

    // dave's refusal, on replica 2.
    const daveEvents = webhook.items.filter((e) => e.annotations?.[CONNECTION] === daveConnection);
    expect(daveEvents).toMatchObject([
      { stage: 'RequestReceived', user: { username: 'dave' }, annotations: { [MOMENT]: 'subscribe' } },
      {
        stage: 'ResponseComplete',
        responseStatus: { code: 403, reason: 'Forbidden' },
        annotations: { [MOMENT]: 'decision', 'authorization.k8s.io/decision': 'forbid' },
      },
    ]);

    // No token in the bodies or the files.
    // Posted by the worker from Redis jobs: every refusal was a retried job, none dead-lettered.
    expect(await jobRuns(worker!, 'completed')).toBeGreaterThanOrEqual(2);
    expect(await jobRuns(worker!, 'retried')).toBe(webhook.refused);
    expect(await worker!.deadLetters()).toEqual([]);

    const trail = [...files().map(fileText), ...webhook.bodies].join('\n');
    const secrets = [...Object.values(tokens), ctx.cluster.users['tailgate-gateway']!.token];
    expect(secrets.filter((secret) => trail.includes(secret))).toEqual([]);
  });
});
