// Against a real HTTP receiver (node:http on 127.0.0.1): what the apiserver's webhook backend
// sends, and how the sink rides out a receiver that fails and then recovers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { auditEventListSchema, type AuditEvent, type AuditEventList } from './audit-event';
import { MemoryAuditMetrics } from './audit-metrics';
import { InProcessAuditQueue } from './in-process-audit-queue';
import { sampleEvents } from './testing/audit-samples';
import { WebhookAuditSink, WebhookDeliveryError } from './webhook-audit-sink';

type Answer = 'accept' | 'fail-500' | 'reset' | 'hang' | number;

/** Accepts EventLists unless `script` says otherwise for that request (1-based). */
class AuditReceiver {
  readonly lists: AuditEventList[] = [];
  readonly headers: IncomingMessage['headers'][] = [];
  requests = 0;
  script: (request: number) => Answer = () => 'accept';
  private server: Server | undefined;
  private readonly waiters: { readonly count: number; readonly resolve: () => void }[] = [];

  get events(): AuditEvent[] {
    return this.lists.flatMap((list) => list.items);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/audit`;
  }

  received(count: number): Promise<void> {
    if (this.events.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = this.script(++this.requests);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (answer === 'hang') return;
    if (answer === 'reset') return void req.socket.destroy();
    if (answer === 'fail-500') return void res.writeHead(500).end('try later');
    if (typeof answer === 'number') return void res.writeHead(answer).end('no');
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/audit');
    expect(req.headers['content-type']).toBe('application/json');
    this.lists.push(auditEventListSchema.parse(JSON.parse(Buffer.concat(chunks).toString())));
    this.headers.push(req.headers);
    res.writeHead(200).end('{}');
    for (const waiter of this.waiters.filter((w) => w.count <= this.events.length)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

function numbered(n: number): AuditEvent[] {
  const [template] = sampleEvents();
  return Array.from({ length: n }, (_, i) => ({ ...template!, auditID: `e${i}` }));
}

describe('WebhookAuditSink', () => {
  const receivers: AuditReceiver[] = [];
  async function receiver(): Promise<[AuditReceiver, string]> {
    const r = new AuditReceiver();
    receivers.push(r);
    return [r, await r.start()];
  }
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.stop()));
  });

  it('POSTs each batch as one audit.k8s.io/v1 EventList, with the configured headers', async () => {
    const [r, url] = await receiver();
    const sink = new WebhookAuditSink({ url, headers: { authorization: 'Bearer hook-secret' } });
    const events = sampleEvents();
    await sink.deliver(events, new AbortController().signal);
    await sink.close();
    expect(r.lists).toHaveLength(1);
    expect(r.lists[0]).toMatchObject({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {} });
    expect(r.lists[0]?.items.map((e) => e.auditID)).toEqual(events.map((e) => e.auditID));
    expect(r.lists[0]?.items[0]).not.toHaveProperty('kind');
    expect(r.headers[0]?.authorization).toBe('Bearer hook-secret');
  });

  it('through failures then recovery, delivers every event exactly once and in order, never blocking enqueue', async () => {
    const [r, url] = await receiver();
    // Requests 1–6 fail in each way a receiver can fail; from the 7th on it is healthy again.
    const failures: Answer[] = ['fail-500', 'reset', 'fail-500', 'hang', 'reset', 'fail-500'];
    r.script = (n) => failures[n - 1] ?? 'accept';
    const metrics = new MemoryAuditMetrics();
    const sink = new WebhookAuditSink({ url, metrics, initialBackoffMs: 5, maxBackoffMs: 20, maxAttempts: 20, requestTimeoutMs: 200 });
    const queue = new InProcessAuditQueue({ sinks: [sink], metrics, maxBatchEvents: 7, maxBatchWaitMs: 5 });
    const sent = numbered(60);
    for (const event of sent) {
      const started = performance.now();
      queue.enqueue(event);
      expect(performance.now() - started).toBeLessThan(5);
    }
    await r.received(60);
    await queue.close();
    expect(r.events.map((e) => e.auditID)).toEqual(sent.map((e) => e.auditID));
    expect(metrics.count('webhook', 'retried')).toBe(6);
    expect(metrics.count('webhook', 'delivered')).toBe(60);
    expect(metrics.count('webhook', 'failed')).toBe(0);
    expect(metrics.backlogOf('webhook')).toBe(0);
  });

  it('gives a batch up after maxAttempts with an error that names the cause, not the headers', async () => {
    const [r, url] = await receiver();
    r.script = () => 'fail-500';
    const sink = new WebhookAuditSink({ url, headers: { authorization: 'Bearer hook-secret' }, initialBackoffMs: 1, maxAttempts: 3 });
    const failure = sink.deliver(sampleEvents(), new AbortController().signal);
    await expect(failure).rejects.toThrow(WebhookDeliveryError);
    await expect(failure).rejects.toThrow(/gave up after 3 attempts: HTTP 500/);
    await failure.catch((error: Error) => expect(error.message).not.toContain('hook-secret'));
    expect(r.requests).toBe(3);
    await sink.close();
  });

  it('stops retrying when the queue aborts it (close deadline)', async () => {
    const [r, url] = await receiver();
    r.script = () => 'fail-500';
    const sink = new WebhookAuditSink({ url, initialBackoffMs: 60_000 });
    const abort = new AbortController();
    const delivery = sink.deliver(sampleEvents(), abort.signal);
    await expect.poll(() => r.requests).toBe(1);
    abort.abort(new Error('closing'));
    await expect(delivery).rejects.toThrow('closing');
    await sink.close();
  });

  it('posts once without retrying, calling a 4xx permanent but not 408, 429, 5xx or a reset', async () => {
    const [r, url] = await receiver();
    const answers: Answer[] = [400, 403, 408, 429, 'fail-500', 'reset', 'accept'];
    r.script = (request) => answers[request - 1] ?? 'accept';
    const sink = new WebhookAuditSink({ url, maxAttempts: 5 });
    const outcomes: (boolean | 'ok')[] = [];
    for (let i = 0; i < answers.length; i++) {
      await sink.postOnce(numbered(1), new AbortController().signal).then(
        () => outcomes.push('ok'),
        (error: unknown) => outcomes.push(error instanceof WebhookDeliveryError && error.permanent),
      );
    }
    expect(outcomes).toEqual([true, true, false, false, false, false, 'ok']);
    expect(r.requests).toBe(answers.length);
    await sink.close();
  });

  it('backs off exponentially up to its cap', () => {
    const sink = new WebhookAuditSink({ url: 'http://127.0.0.1:1/', initialBackoffMs: 100, maxBackoffMs: 1_000 });
    expect([1, 2, 3, 4, 5, 60].map((n) => sink.backoffMs(n))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(() => new WebhookAuditSink({ url: 'file:///tmp/x' })).toThrow(RangeError);
  });
});
