// The access audit trail end to end (issue 16): a gateway on the demo world records an allowed
// stream, a denied target, a revocation, an unsubscribe and a failed authentication as
// audit.k8s.io/v1 events, in the JSON-lines file and at a webhook alike, honouring the policy's
// levels, without a token or a log line in them, and counts their delivery on /metrics.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AuditEvent } from '@tailgate/audit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import { connectError, LogClient } from './support/log-client';
import { type DemoGateway, startDemoGateway } from './support/start-demo-gateway';

const CHECKOUT = { source: 'node-file.pods', selector: { namespace: 'team-a', pod: 'checkout-api' } };
const TEAM_A = { source: 'node-file.pods', selector: { namespace: 'team-a' } };
const TEAM_B = { source: 'node-file.pods', selector: { namespace: 'team-b' } };
const BAD_TOKEN = 'not-a-token-but-a-secret-4242';
const USER_AGENT = 'tailgate-audit-e2e/1';

// Bob's reads are recorded at level None: nothing of them may appear.
const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    users: [bob]
  - level: Metadata
`;

/** A webhook backend: every EventList it is posted, in arrival order. */
async function startWebhook(): Promise<{ server: Server; url: string; events: AuditEvent[] }> {
  const events: AuditEvent[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const list = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { kind: string; items: AuditEvent[] };
      if (list.kind === 'EventList') events.push(...list.items);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit`, events };
}

const momentOf = (event: AuditEvent) => event.annotations?.['tailgate.dev/event'];
/** One line per event, what identifies it in the sequence: who, which moment, which pod, the status. */
const summary = (event: AuditEvent) =>
  `${event.user.username ?? '-'} ${momentOf(event)} ${event.objectRef?.name ?? '-'} ${event.stage} ${event.responseStatus?.code ?? '-'}`;

describe('audit trail', () => {
  let demo: DemoGateway;
  let dir: string;
  let file: string;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tailgate-audit-'));
    file = join(dir, 'audit.log');
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    webhook = await startWebhook();
    const audit = {
      enabled: true,
      policyFile: join(dir, 'policy.yaml'),
      file: { path: file },
      webhook: { url: webhook.url, initialBackoffMs: 20 },
      queue: { maxBatchWaitMs: 20 },
    };
    demo = await startDemoGateway(DEMO_PODS, undefined, {}, undefined, { audit });
  });
  afterAll(async () => {
    await demo.stop();
    webhook.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = (user: string) =>
    LogClient.connect(demo.gateway.url, { token: demo.world.tokens[user], sees: demo.sees(user), headers: { 'user-agent': USER_AGENT } });
  const fileEvents = () =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditEvent);

  it('records allowed, denied, revoked and ended reads and a failed authentication, in the file and at the webhook alike', async () => {
    const writer = demo.writers.get('checkout-api')!;
    const alice = await connect('alice');
    const carol = await connect('carol');
    const bob = await connect('bob');
    const aliceSub = await alice.subscribe(CHECKOUT);
    const carolSub = await carol.subscribe(TEAM_A);
    expect(aliceSub.ok && carolSub.ok).toBe(true);
    expect((await bob.subscribe(TEAM_B)).ok).toBe(true);
    await carol.waitFor(() => carol.denied.length === 1, "carol's denied payments-worker");
    // Bob reads too, but his policy level is None.
    await bob.waitFor(() => bob.targets.length === 2, "bob's two pods");
    await demo.writers.get('web-frontend')!.write('for bob');
    await bob.waitFor(() => bob.lines().includes('for bob'), "bob's line");
    await writer.write('while both may read');
    for (const client of [alice, carol]) await client.waitFor(() => client.lines().includes('while both may read'), 'the first line');

    // checkout-api denies everyone but alice: carol's read of it is revoked, alice's goes on.
    demo.relabel(
      DEMO_PODS.map((p) => (p.name === 'checkout-api' ? { ...p, labels: { 'rbac/policy': 'deny', 'rbac/alice': 'allow' } } : p)),
    );
    await carol.waitFor(() => carol.denied.length === 2, 'the revocation');
    await writer.write('alice alone');
    await alice.waitFor(() => alice.lines().includes('alice alone'), "alice's second line");
    expect(aliceSub.ok && (await alice.emitRaw('unsubscribe', { id: aliceSub.id }))).toEqual({ ok: true });
    const refused = await connectError(demo.gateway.url, { token: BAD_TOKEN, headers: { 'user-agent': USER_AGENT } });
    expect(refused.data).toMatchObject({ code: 'unauthenticated' });

    const expected = [
      'alice subscribe checkout-api RequestReceived -',
      'alice decision checkout-api ResponseStarted 200',
      'carol subscribe checkout-api RequestReceived -',
      'carol decision checkout-api ResponseStarted 200',
      'carol subscribe payments-worker RequestReceived -',
      'carol decision payments-worker ResponseComplete 403',
      'carol revocation checkout-api ResponseComplete 403',
      'alice stream-end checkout-api ResponseComplete 200',
      '- authentication-failed - ResponseStarted 401',
    ];
    await expect.poll(() => webhook.events.length, { timeout: 5_000 }).toBe(expected.length);
    await expect.poll(() => fileEvents().length, { timeout: 5_000 }).toBe(expected.length);
    const events = fileEvents();
    // Reads of different targets are decided side by side: compare as a set, then each read's own order.
    expect(events.map(summary).sort()).toEqual([...expected].sort());
    const byRead = new Map<string, string[]>();
    for (const event of events) byRead.set(event.auditID, [...(byRead.get(event.auditID) ?? []), momentOf(event) ?? '']);
    expect([...byRead.values()].map((moments) => moments.join(' ')).sort()).toEqual([
      'authentication-failed',
      'subscribe decision',
      'subscribe decision revocation',
      'subscribe decision stream-end',
    ]);
    // The webhook got the same events, in the same order.
    expect(webhook.events.map((e) => `${e.auditID} ${e.stage}`)).toEqual(events.map((e) => `${e.auditID} ${e.stage}`));

    const find = (user: string, moment: string, pod?: string) =>
      events.find((e) => (e.user.username ?? '-') === user && momentOf(e) === moment && (pod === undefined || e.objectRef?.name === pod))!;
    for (const event of events) {
      expect(event).toMatchObject({ apiVersion: 'audit.k8s.io/v1', kind: 'Event', level: 'Metadata', verb: 'get' });
      expect(event.sourceIPs).toEqual(['127.0.0.1']);
      expect(event.userAgent).toBe(USER_AGENT);
      expect(event.annotations?.['tailgate.dev/connection']).toMatch(/.+/);
    }
    const allowed = find('alice', 'decision');
    expect(allowed.objectRef).toEqual({
      resource: 'pods',
      namespace: 'team-a',
      name: 'checkout-api',
      apiVersion: 'v1',
      subresource: 'log',
    });
    expect(allowed.user).toMatchObject({ username: 'alice', groups: ['team-a'] });
    expect(allowed.annotations?.['tailgate.dev/connection']).toBe(alice.socket.id);
    expect(allowed.annotations).toMatchObject({
      'tailgate.dev/decision': 'allow',
      'tailgate.dev/container': 'api',
      'authorization.k8s.io/decision': 'allow',
    });
    expect(allowed.annotations?.['tailgate.dev/authorizer']).toContain('pod-label-policy.labels');
    const denied = find('carol', 'decision', 'payments-worker');
    expect(denied.annotations).toMatchObject({
      'tailgate.dev/decision': 'deny',
      'tailgate.dev/authorizer': 'pod-label-policy.labels',
      'tailgate.dev/container': 'worker',
      'authorization.k8s.io/decision': 'forbid',
    });
    expect(denied.annotations?.['tailgate.dev/reason']).toMatch(/.+/);
    const revoked = find('carol', 'revocation');
    expect(revoked.auditID).toBe(find('carol', 'decision', 'checkout-api').auditID);
    expect(revoked.annotations).toMatchObject({ 'tailgate.dev/decision': 'deny', 'tailgate.dev/authorizer': 'pod-label-policy.labels' });
    expect(Number(revoked.annotations?.['tailgate.dev/records'])).toBeGreaterThanOrEqual(1);
    const ended = find('alice', 'stream-end');
    expect(ended.auditID).toBe(allowed.auditID);
    expect(ended.annotations?.['tailgate.dev/end-reason']).toBe('unsubscribed');
    expect(Number(ended.annotations?.['tailgate.dev/records'])).toBeGreaterThanOrEqual(2);
    expect(Number(ended.annotations?.['tailgate.dev/bytes'])).toBeGreaterThan(0);
    const failed = find('-', 'authentication-failed');
    expect(failed.objectRef).toBeUndefined();
    expect(failed.responseStatus).toMatchObject({ code: 401, message: 'Authentication failed, attempted: bearer' });

    // No token and no log line anywhere in the trail.
    const text = readFileSync(file, 'utf8');
    for (const secret of [BAD_TOKEN, ...Object.values(demo.world.tokens), 'while both may read', 'alice alone']) {
      expect(text).not.toContain(secret);
    }
    // The gateway's log names the revocation's auditID and carol's connection, never a token or a line.
    const log = demo.log();
    const connection = revoked.annotations?.['tailgate.dev/connection'];
    expect(log).toMatch(new RegExp(`"connection":"${connection}"[^\\n]*"auditID":"${revoked.auditID}"[^\\n]*access revoked`));
    expect(log).toMatch(
      new RegExp(`"connection":"${find('alice', 'decision').annotations?.['tailgate.dev/connection']}"[^\\n]*"msg":"subscribed"`),
    );
    expect(log).toContain(failed.auditID);
    for (const secret of [BAD_TOKEN, ...Object.values(demo.world.tokens), 'while both may read', 'alice alone']) {
      expect(log).not.toContain(secret);
    }

    // Delivery is counted per sink.
    expect(await demo.metric('tailgate_audit_events_delivered_total', 'sink="file"')).toBe(expected.length);
    expect(await demo.metric('tailgate_audit_events_delivered_total', 'sink="webhook"')).toBe(expected.length);
    expect(await demo.metric('tailgate_audit_backlog_events', 'sink="webhook"')).toBe(0);
    for (const client of [alice, carol, bob]) client.close();
  });

  it('ends the reads still open at shutdown, and delivers their events before the gateway has stopped', async () => {
    const alice = await connect('alice');
    expect((await alice.subscribe(CHECKOUT)).ok).toBe(true);
    await alice.waitFor(() => alice.targets.length === 1, 'the checkout-api target');
    await expect.poll(() => fileEvents().filter((e) => momentOf(e) === 'decision').length).toBe(4);
    const connection = alice.socket.id;
    await demo.gateway.close();

    const last = fileEvents().at(-1)!;
    expect(summary(last)).toBe('alice stream-end checkout-api ResponseComplete 200');
    expect(last.annotations?.['tailgate.dev/end-reason']).toBe('shutdown');
    expect(last.annotations?.['tailgate.dev/connection']).toBe(connection);
    alice.close();
  });
});
