// Durable audit delivery on the run's real redis-server (issue 16): with `redis.url` the gateway's
// webhook batches become `core.audit-deliver` jobs and the worker posts them to a real node:http
// receiver on loopback. The receiver fails (500s and reset connections) across several backoff
// steps, then recovers: every event arrives exactly once, in order per connection, and a gateway
// stopped and started again meanwhile loses none; a batch answered 400 ends in the dead letter.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import {
  AUDIT_ANNOTATIONS,
  AUDIT_DELIVERY_JOB,
  auditDeliveryJob,
  type AuditEvent,
  AuditSettingsSchema,
  createAuditTrail,
  type AuditRecorder,
  newAuditId,
  subscribeEvent,
} from '@tailgate/audit';
import { sampleRequest } from '@tailgate/audit/testing';
import { parseConfig } from '@tailgate/config';
import { BullmqJobRunner, hostJobName, withHostJobs } from '@tailgate/jobs';
import { freePort } from '@tailgate/testing';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';

import { createDemoWorld } from '../../apps/gateway/src/demo/demo-world';
import { startGateway } from '../../apps/gateway/src/start-gateway';
import { type RunningWorker, startWorker } from '../../apps/worker/src/start-worker';
import { connectError } from '../e2e/support/log-client';

const DELIVERY_JOB = hostJobName(AUDIT_DELIVERY_JOB);
const MAX_ATTEMPTS = 12;

type Answer = 'ok' | 'reset' | number;

/** A webhook backend: answers each POST as `answer` says, and keeps the events of the ones it took, in arrival order. */
class Receiver {
  readonly events: AuditEvent[] = [];
  /** Answers given other than 200. */
  refused = 0;
  private server: Server | undefined;

  constructor(private readonly answer: (items: readonly AuditEvent[], request: number) => Answer) {}

  async start(): Promise<string> {
    let requests = 0;
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const list = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { items: AuditEvent[] };
        const answer = this.answer(list.items, requests++);
        if (answer === 'ok') {
          this.events.push(...list.items);
          response.writeHead(200).end();
          return;
        }
        this.refused += 1;
        if (answer === 'reset') request.socket.destroy();
        else response.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/audit`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  /** The auditIDs received from connection `id`, in arrival order. */
  auditIdsOf(id: string): string[] {
    return this.events.filter((event) => event.annotations?.[AUDIT_ANNOTATIONS.connection] === id).map((event) => event.auditID);
  }
}

/**
 * A webhook outage: POSTs fail, alternating 500 and a reset connection, until `end()` was called
 * and at least `minFailures` failed (so retries cross several backoff steps); then all succeed.
 */
class Outage {
  private ended = false;
  private failures = 0;

  constructor(private readonly minFailures: number) {}

  readonly answer = (): Answer => {
    if (this.ended && this.failures >= this.minFailures) return 'ok';
    return this.failures++ % 2 === 0 ? 500 : 'reset';
  };

  end(): void {
    this.ended = true;
  }
}

/** The worker's `tailgate_jobs_<outcome>_total` of the delivery job, from its /metrics registry. */
async function jobRuns(worker: RunningWorker, outcome: 'completed' | 'retried' | 'dead_lettered'): Promise<number> {
  const metric = await worker.metrics.registry.getSingleMetric(`tailgate_jobs_${outcome}_total`)?.get();
  return metric?.values.find((value) => value.labels.job === DELIVERY_JOB)?.value ?? 0;
}

const silent = (): Writable => new Writable({ write: (_chunk, _encoding, done) => done() });

describe('durable audit delivery', () => {
  let keyPrefix: string;
  let receiver: Receiver | undefined;
  const cleanups: (() => Promise<void>)[] = [];

  beforeEach(() => {
    keyPrefix = `test:audit-durable:${randomUUID()}:`;
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await receiver?.close();
  });

  const webhookSettings = (url: string) => ({ url, initialBackoffMs: 20, maxAttempts: MAX_ATTEMPTS });

  async function startAuditWorker(url: string): Promise<RunningWorker> {
    const parsed = parseConfig({
      redis: { url: inject('redisUrl'), keyPrefix },
      // Retries after 20, 40, 80, 160 … ms: a scaled-down outage crosses several backoff steps.
      jobs: { backoffBaseMs: 20, http: { host: '127.0.0.1', port: await freePort() } },
      audit: { enabled: true, webhook: webhookSettings(url) },
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const worker = await startWorker(parsed.config, { logDestination: silent(), plugins: [] });
    cleanups.push(() => worker.stop('test over'));
    return worker;
  }

  /** What the gateway builds with Redis: the trail, its webhook batches queued through a producer runner. */
  async function startGatewayTrail(url: string): Promise<{ trail: AuditRecorder; stop(): Promise<void> }> {
    const producer = new BullmqJobRunner({ redis: { url: inject('redisUrl'), keyPrefix }, mode: 'producer' });
    const neverHere = async (): Promise<never> => {
      throw new Error('the producer runs no job');
    };
    await producer.start(withHostJobs(new Map(), [auditDeliveryJob(MAX_ATTEMPTS, neverHere)]));
    const settings = AuditSettingsSchema.parse({
      enabled: true,
      webhook: webhookSettings(url),
      queue: { maxBatchEvents: 3, maxBatchWaitMs: 10, closeTimeoutMs: 100 },
    });
    const trail = await createAuditTrail(settings, {
      webhookJobs: (batch, jobId) => producer.enqueue(DELIVERY_JOB, batch, { jobId }),
    });
    return {
      trail,
      async stop() {
        await trail.close();
        await producer.close();
      },
    };
  }

  /** Records one subscribe per auditID on `connection`; the auditIDs in record order. */
  function recordReads(trail: AuditRecorder, connection: string, count: number): string[] {
    return Array.from({ length: count }, () => {
      const request = sampleRequest({
        auditID: newAuditId(),
        receivedAt: new Date(),
        connection: { sourceIPs: ['10.0.0.1'], userAgent: 'audit-durable-test', connectionId: connection },
      });
      const event = trail.record(subscribeEvent(request, new Date()));
      if (event === undefined) throw new Error('not recorded');
      return event.auditID;
    });
  }

  it('delivers every event exactly once, in order per connection, across an outage and a gateway restart', async () => {
    const outage = new Outage(8);
    receiver = new Receiver(outage.answer);
    const url = await receiver.start();
    const worker = await startAuditWorker(url);

    // The first gateway run records on two connections, interleaved, and stops during the outage.
    const first = await startGatewayTrail(url);
    const a: string[] = [];
    const b: string[] = [];
    for (let round = 0; round < 5; round++) {
      a.push(...recordReads(first.trail, 'conn-a', 2));
      b.push(...recordReads(first.trail, 'conn-b', 1));
    }
    await vi.waitFor(() => expect(receiver?.refused).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    // Its close spends no more than closeTimeoutMs: what it queued in process would be lost; in Redis it is not.
    await first.stop();
    // The next run of the gateway, a connection of its own.
    const second = await startGatewayTrail(url);
    const c = recordReads(second.trail, 'conn-c', 7);
    await second.stop();
    outage.end();

    const all = [...a, ...b, ...c];
    await vi.waitFor(() => expect(receiver?.events.length).toBeGreaterThanOrEqual(all.length), { timeout: 15_000, interval: 50 });
    expect(receiver.refused).toBeGreaterThanOrEqual(8);
    expect(receiver.events.map((event) => event.auditID).sort()).toEqual([...all].sort());
    expect(receiver.auditIdsOf('conn-a')).toEqual(a);
    expect(receiver.auditIdsOf('conn-b')).toEqual(b);
    expect(receiver.auditIdsOf('conn-c')).toEqual(c);
    expect(await jobRuns(worker, 'retried')).toBe(receiver.refused);
    expect(await worker.deadLetters()).toEqual([]);
  });

  it('dead-letters a batch the receiver answers 400, counts it, and delivers the batches after it', async () => {
    const rejected = new Set<string>();
    receiver = new Receiver((items) => (items.some((event) => rejected.has(event.auditID)) ? 400 : 'ok'));
    const url = await receiver.start();
    const worker = await startAuditWorker(url);
    const gateway = await startGatewayTrail(url);
    const ids = recordReads(gateway.trail, 'conn-a', 3);
    for (const id of ids) rejected.add(id);
    const after = recordReads(gateway.trail, 'conn-a', 4);
    await gateway.stop();

    await vi.waitFor(() => expect(receiver?.events.length).toBe(after.length), { timeout: 10_000, interval: 50 });
    expect(receiver.auditIdsOf('conn-a')).toEqual(after);
    const letters = await worker.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ name: DELIVERY_JOB, attempts: 1 });
    expect(letters[0]?.reason).toMatch(/HTTP 400/);
    expect((letters[0]?.data as { events: AuditEvent[] }).events.map((event) => event.auditID)).toEqual(ids);
    expect(await jobRuns(worker, 'dead_lettered')).toBe(1);
  });

  it('a real gateway on Redis loses no event across its restart while the webhook is down', async () => {
    const outage = new Outage(4);
    receiver = new Receiver(outage.answer);
    const url = await receiver.start();
    const worker = await startAuditWorker(url);
    const dir = mkdtempSync(join(tmpdir(), 'tailgate-audit-durable-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    // A close that waits 100 ms at most: a gateway delivering in process would lose the first one's events.
    const audit = { enabled: true, webhook: webhookSettings(url), queue: { maxBatchWaitMs: 20, closeTimeoutMs: 100 } };
    const world = createDemoWorld(dir, { port: 0, redisUrl: inject('redisUrl'), redisKeyPrefix: keyPrefix, audit, logLevel: 'warn' });

    const refusedBy = async (gatewayUrl: string, count: number): Promise<void> => {
      for (let i = 0; i < count; i++) await connectError(gatewayUrl, { token: `not-a-token-${i}` });
    };
    const first = await startGateway({ config: world.config, logDestination: silent() });
    await refusedBy(first.url, 3);
    await first.close();
    const second = await startGateway({ config: world.config, logDestination: silent() });
    cleanups.push(() => second.close());
    await refusedBy(second.url, 2);
    outage.end();

    await vi.waitFor(() => expect(receiver?.events.length).toBeGreaterThanOrEqual(5), { timeout: 15_000, interval: 50 });
    const ids = receiver.events.map((event) => event.auditID);
    expect(new Set(ids).size).toBe(5);
    expect(ids).toHaveLength(5);
    expect(receiver.events.every((event) => event.annotations?.[AUDIT_ANNOTATIONS.moment] === 'authentication-failed')).toBe(true);
    expect(receiver.refused).toBeGreaterThanOrEqual(4);
    // Posted by the worker, not by either gateway.
    expect(await jobRuns(worker, 'completed')).toBeGreaterThanOrEqual(2);
  });
});
