// The access audit trail on the real apiserver (issue 16): a gateway signing users in by
// TokenReview and judging them by SubjectAccessReview records an allowed read, a refused one, a
// read revoked by a deleted RoleBinding, an unsubscribe, a ServiceAccount's read ended by its
// disconnect and a failed authentication as exactly the audit.k8s.io/v1 events kube-apiserver
// would write for the same `kubectl logs -f` — in the JSON-lines file and at a webhook alike,
// users as TokenReview gave them, the Forbidden text as the apiserver words it, and neither a
// token nor a log line anywhere in the trail.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AuditEvent, AuditUserInfo } from '@tailgate/audit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningGateway } from '../../apps/gateway/src/start-gateway';
import { batchBytes } from '../../apps/gateway/src/streams/batch-bytes';
import { serviceAccount, suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { connectError, LogClient, SEES_EVERYTHING, seesTargets, type Visibility } from '../e2e/support/log-client';
import { type AuditWebhookReceiver, startAuditWebhookReceiver } from './src/audit-webhook-receiver';
import { startClusterGateway } from './src/cluster-gateway';
import { grantGatewayIdentity, grantPodLogsSource } from './src/gateway-kube';

const POD_LOG = { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] };
const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const SAR = 'kube-rbac.subject-access-review';
const USER_AGENT = 'tailgate-audit-kube/1';
const BAD_TOKEN = 'not-a-token-but-a-secret-7731';
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What identifies an event in the sequence: who, which moment, which status. */
const summary = (event: AuditEvent) =>
  `${event.user.username ?? '-'} ${event.annotations?.['tailgate.dev/event']} ${event.stage} ${event.responseStatus?.code ?? '-'}`;

describe('audit trail on the real apiserver', () => {
  let ctx: ClusterTestContext;
  let ns: string;
  let gw: RunningGateway;
  let dir: string;
  let webhook: AuditWebhookReceiver;
  const clients: LogClient[] = [];
  /** Every line written to the pod: none may reach the trail. */
  const written: string[] = [];

  beforeAll(async () => {
    ctx = await connectToTestCluster(`tg-audit-${suffix()}`);
    await grantGatewayIdentity(ctx);
    await grantPodLogsSource(ctx);
    ns = await ctx.fixtures.namespace('tg-audit');
    await ctx.fixtures.pod(ns, 'web', { containers: ['app'] });
    await ctx.fixtures.role(ns, 'log-reader', [POD_LOG]);
    await ctx.fixtures.roleBinding(ns, 'alice-reads', { kind: 'Role', name: 'log-reader' }, [user('alice')]);
    await ctx.fixtures.createServiceAccount(ns, 'robot');
    await ctx.fixtures.roleBinding(ns, 'robot-reads', { kind: 'Role', name: 'log-reader' }, [serviceAccount(ns, 'robot')]);
    dir = mkdtempSync(join(tmpdir(), 'tg-audit-kube-'));
    webhook = await startAuditWebhookReceiver();
    gw = await startClusterGateway(ctx, {
      plugins: { 'kube-pod-logs': { retryMinMs: 50, retryMaxMs: 500 } },
      // Re-checks every 200 ms: decisions that do not change must record nothing.
      access: { recheckIntervalMs: 200 },
      podMetadata: { kind: 'kubernetes' },
      audit: {
        enabled: true,
        file: { path: join(dir, 'audit.log') },
        webhook: { url: webhook.url, initialBackoffMs: 20 },
        queue: { maxBatchWaitMs: 20 },
      },
    });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await gw?.close();
    await webhook?.close();
    await ctx?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const web = () => ({ source: 'kube-pod-logs.pods', selector: { namespaces: [ns], pods: ['web'] } });
  const fileText = () => readFileSync(join(dir, 'audit.log'), 'utf8');
  const fileEvents = () =>
    fileText()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditEvent);

  async function connect(token: string, sees: Visibility = SEES_EVERYTHING): Promise<LogClient> {
    const client = await LogClient.connect(gw.url, { token, sees, headers: { 'user-agent': USER_AGENT } });
    clients.push(client);
    return client;
  }

  /**
   * Writes numbered lines until `client` has one (its followed read may still be starting), then
   * a last line it waits for: every line written has then been delivered, nothing is in flight.
   */
  async function deliver(client: LogClient, marker: string): Promise<void> {
    const app = ctx.kubelet.container(ns, 'web', 'app');
    const write = (line: string) => written.push(line) && app.write(line);
    let n = 0;
    write(`${marker} ${n++}`);
    const ticker = setInterval(() => write(`${marker} ${n++}`), 20);
    try {
      await client.waitFor(() => client.lines().some((line) => line.startsWith(marker)), `a line of ${marker}`);
    } finally {
      clearInterval(ticker);
    }
    write(`${marker} last`);
    await client.waitFor(() => client.lines().includes(`${marker} last`), `${marker} last`);
  }

  /** The user the apiserver's TokenReview gives for a token: what the audit must record as is. */
  async function reviewed(token: string): Promise<AuditUserInfo> {
    const review = await ctx.admin.create<{ status: { authenticated: boolean; user: AuditUserInfo } }>(
      '/apis/authentication.k8s.io/v1/tokenreviews',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    );
    expect(review.status.authenticated).toBe(true);
    return review.status.user;
  }

  /** The apiserver's own Forbidden text for `user` reading web's log (the audit must word it the same). */
  async function apiserverForbidden(userName: string): Promise<string> {
    const response = await ctx.as(userName).raw('GET', `/api/v1/namespaces/${ns}/pods/web/log?container=app`);
    expect(response.status).toBe(403);
    return (JSON.parse(response.text) as { message: string }).message;
  }

  /** What the expected events of one reader's reads are built from. */
  interface Reader {
    readonly user: AuditUserInfo;
    readonly connection: string;
    /** Absent for a refused subscription: its scope names the pod only, as `kubectl logs` without `-c`. */
    readonly container?: string;
  }
  interface Delivered {
    readonly records: number;
    readonly bytes: number;
  }

  /** The fields of every event of a read of web's log, as kube-apiserver writes them for `kubectl logs -f`. */
  function readEvent(reader: Reader, moment: string, annotations: Record<string, string>) {
    const container = reader.container === undefined ? '' : `container=${reader.container}&`;
    return {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      requestURI: `/api/v1/namespaces/${ns}/pods/web/log?${container}follow=true`,
      verb: 'get',
      user: reader.user,
      sourceIPs: ['127.0.0.1'],
      userAgent: USER_AGENT,
      objectRef: { resource: 'pods', namespace: ns, name: 'web', apiVersion: 'v1', subresource: 'log' },
      annotations: {
        'tailgate.dev/event': moment,
        ...annotations,
        ...(reader.container === undefined ? {} : { 'tailgate.dev/container': reader.container }),
        'tailgate.dev/connection': reader.connection,
      },
    };
  }
  const delivered = ({ records, bytes }: Delivered) => ({ 'tailgate.dev/records': String(records), 'tailgate.dev/bytes': String(bytes) });
  const rbacReason = () => `Kubernetes RBAC does not allow get pods/log of ${ns}/web`;
  const denial = () => ({
    'authorization.k8s.io/decision': 'forbid',
    'authorization.k8s.io/reason': rbacReason(),
    'tailgate.dev/authorizer': SAR,
    'tailgate.dev/reason': rbacReason(),
    'tailgate.dev/decision': 'deny',
  });
  const forbidden = (message: string) => ({ metadata: {}, status: 'Failure', message, reason: 'Forbidden', code: 403 });
  const ok = { metadata: {}, code: 200 };

  const subscribed = (reader: Reader) => ({ ...readEvent(reader, 'subscribe', {}), stage: 'RequestReceived' });
  // As the apiserver records it: the SubjectAccessReview's reason names the binding that grants the read.
  const grantedBy = () =>
    expect.stringMatching(
      /^RBAC: allowed by (Cluster)?RoleBinding "[^"]+" of (Cluster)?Role "[^"]+" to (User|ServiceAccount|Group) /,
    ) as string;
  const allowed = (reader: Reader) => ({
    ...readEvent(reader, 'decision', {
      'authorization.k8s.io/decision': 'allow',
      'authorization.k8s.io/reason': grantedBy(),
      'tailgate.dev/authorizer': SAR,
      'tailgate.dev/decision': 'allow',
      'tailgate.dev/reason': grantedBy(),
    }),
    stage: 'ResponseStarted',
    responseStatus: ok,
  });
  const refusedRead = (reader: Reader, message: string) => ({
    ...readEvent(reader, 'decision', denial()),
    stage: 'ResponseComplete',
    responseStatus: forbidden(message),
  });
  // Tailgate's choice (libs/audit README): a revocation is its read's ResponseComplete with 403,
  // although the apiserver could not change a status after ResponseStarted 200.
  const revoked = (reader: Reader, message: string, counts: Delivered) => ({
    ...readEvent(reader, 'revocation', { ...denial(), 'tailgate.dev/end-reason': 'revoked', ...delivered(counts) }),
    stage: 'ResponseComplete',
    responseStatus: forbidden(message),
  });
  const ended = (reader: Reader, reason: string, counts: Delivered) => ({
    ...readEvent(reader, 'stream-end', { 'tailgate.dev/end-reason': reason, ...delivered(counts) }),
    stage: 'ResponseComplete',
    responseStatus: ok,
  });
  /** As the apiserver's WithFailedAuthenticationAudit records it: no user, no objectRef, 401. */
  const authenticationFailed = () => ({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    stage: 'ResponseStarted',
    requestURI: '/logs',
    verb: 'get',
    user: {},
    sourceIPs: ['127.0.0.1'],
    userAgent: USER_AGENT,
    responseStatus: { metadata: {}, message: 'Authentication failed, attempted: bearer', code: 401 },
    annotations: {
      'tailgate.dev/event': 'authentication-failed',
      // The authenticators that refused the token, in the order they were asked.
      'tailgate.dev/authorizer': 'kube-token.token-review',
      'tailgate.dev/reason': 'rejected',
      // The refused client never learns its connection id.
      'tailgate.dev/connection': expect.stringMatching(/.+/) as unknown as string,
    },
  });
  /** What the client received; `bytes` is the gateway's estimate of their wire size, not the log's size. */
  const countsOf = (client: LogClient): Delivered => ({ records: client.records.length, bytes: batchBytes(client.records) });
  /** An event without what differs from run to run (checked on their own). */
  const stable = ({ auditID: _auditID, requestReceivedTimestamp: _received, stageTimestamp: _stage, ...rest }: AuditEvent) => rest;

  /** One auditID per read, shared by its events (`pattern`: a letter per read); timestamps in order. */
  function expectReads(events: readonly AuditEvent[], pattern: string, notBefore: string): void {
    const ids = [...new Set(events.map((e) => e.auditID))];
    expect(ids.every((id) => UUID.test(id))).toBe(true);
    expect(events.map((e) => 'ABCDEFGH'[ids.indexOf(e.auditID)]).join('')).toBe(pattern);
    for (const event of events) {
      expect(event.requestReceivedTimestamp).toMatch(MICRO_TIME);
      expect(event.stageTimestamp).toMatch(MICRO_TIME);
      expect(event.requestReceivedTimestamp >= notBefore).toBe(true);
      expect(event.stageTimestamp >= event.requestReceivedTimestamp).toBe(true);
      // Every stage of a read carries the time the read was asked for.
      expect(event.requestReceivedTimestamp).toBe(events.find((e) => e.auditID === event.auditID)!.requestReceivedTimestamp);
    }
    const stages = events.map((e) => e.stageTimestamp);
    expect(stages).toEqual([...stages].sort());
  }

  it('records allowed, refused, revoked and ended reads and a failed authentication exactly, in the file and at the webhook alike', async () => {
    const tokens = { alice: ctx.cluster.users.alice!.token, dave: ctx.cluster.users.dave!.token, carol: ctx.cluster.users.carol!.token };
    const robotToken = await ctx.fixtures.serviceAccountToken(ns, 'robot');
    // MicroTime of the start, to compare as text with the events' timestamps.
    const startedAt = new Date().toISOString().replace('Z', '000Z');

    // alice may read web: she subscribes and receives lines.
    const alice = await connect(tokens.alice);
    const aliceSub = await alice.subscribe(web());
    expect(aliceSub.ok, JSON.stringify(aliceSub)).toBe(true);
    await deliver(alice, 'for alice');

    // dave has no rights: his subscription to the same pod is refused as a whole.
    const dave = await connect(
      tokens.dave,
      seesTargets(() => false),
    );
    expect(await dave.subscribe(web())).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // carol is granted, reads, and loses her RoleBinding mid-stream.
    let carolMayRead = true;
    await ctx.fixtures.roleBinding(ns, 'carol-reads', { kind: 'Role', name: 'log-reader' }, [user('carol')]);
    const carol = await connect(
      tokens.carol,
      seesTargets(() => carolMayRead),
    );
    expect((await carol.subscribe(web())).ok).toBe(true);
    await deliver(carol, 'for carol');
    carolMayRead = false;
    await ctx.admin.delete(`${RBAC}/namespaces/${ns}/rolebindings/carol-reads`);
    await carol.waitFor(() => carol.denied.length === 1, "carol's revocation", 5_000);
    expect(carol.denied.map((d) => `${d.target.pod}/${d.target.container} ${d.reason}`)).toEqual(['web/app forbidden']);

    // alice leaves; every record she was sent arrived before the acknowledgement.
    expect(await alice.emitRaw('unsubscribe', { id: aliceSub.ok ? aliceSub.id : '' })).toEqual({ ok: true });

    // A ServiceAccount reads, then its connection drops; its stream end is recorded before the next step.
    const robot = await connect(robotToken);
    expect((await robot.subscribe(web())).ok).toBe(true);
    await deliver(robot, 'for robot');
    const robotConnection = robot.socket.id!;
    robot.close();
    const robotName = `system:serviceaccount:${ns}:robot`;
    await webhook.waitFor(
      () => webhook.items.some((e) => e.user.username === robotName && e.annotations?.['tailgate.dev/event'] === 'stream-end'),
      "the ServiceAccount's stream end",
    );

    // An invalid token is refused.
    const refused = await connectError(gw.url, { token: BAD_TOKEN, headers: { 'user-agent': USER_AGENT } });
    expect(refused.data).toMatchObject({ code: 'unauthenticated' });

    const sequence = [
      'alice subscribe RequestReceived -',
      'alice decision ResponseStarted 200',
      'dave subscribe RequestReceived -',
      'dave decision ResponseComplete 403',
      'carol subscribe RequestReceived -',
      'carol decision ResponseStarted 200',
      'carol revocation ResponseComplete 403',
      'alice stream-end ResponseComplete 200',
      `${robotName} subscribe RequestReceived -`,
      `${robotName} decision ResponseStarted 200`,
      `${robotName} stream-end ResponseComplete 200`,
      '- authentication-failed ResponseStarted 401',
    ];
    await webhook.waitFor(() => webhook.items.length >= sequence.length, `${sequence.length} events`);
    const inFile = () => fileEvents().length;
    await expect.poll(inFile, { timeout: 5_000, message: 'events in the audit file' }).toBe(sequence.length);
    const events = fileEvents();
    expect(events.map(summary)).toEqual(sequence);

    // Every field, as the apiserver would have written it; the users as its TokenReview gave them.
    const as = async (connection: string, token: string, container?: string): Promise<Reader> => ({
      user: await reviewed(token),
      connection,
      ...(container === undefined ? {} : { container }),
    });
    const aliceReads = await as(alice.socket.id!, tokens.alice, 'app');
    const daveReads = await as(dave.socket.id!, tokens.dave);
    const carolReads = await as(carol.socket.id!, tokens.carol, 'app');
    const robotReads = await as(robotConnection, robotToken, 'app');
    // Static users have a uid from the token file; the ServiceAccount also its credential id.
    expect(robotReads.user.uid).toMatch(UUID);
    expect(Object.keys(robotReads.user.extra ?? {})).toEqual(['authentication.kubernetes.io/credential-id']);
    for (const client of [alice, carol, robot]) expect(client.records.length).toBeGreaterThan(0);
    expect(events.map(stable)).toEqual([
      subscribed(aliceReads),
      allowed(aliceReads),
      subscribed(daveReads),
      refusedRead(daveReads, await apiserverForbidden('dave')),
      subscribed(carolReads),
      allowed(carolReads),
      revoked(carolReads, await apiserverForbidden('carol'), countsOf(carol)),
      ended(aliceReads, 'unsubscribed', countsOf(alice)),
      subscribed(robotReads),
      allowed(robotReads),
      ended(robotReads, 'disconnected', countsOf(robot)),
      authenticationFailed(),
    ]);
    // alice's read spans dave's and carol's.
    expectReads(events, 'AABBCCCADDDE', startedAt);

    // The webhook got the same events in the same order, as EventList items (no kind/apiVersion).
    expect(new Set(webhook.kinds)).toEqual(new Set(['audit.k8s.io/v1/EventList']));
    expect(webhook.items).toEqual(events.map(({ kind: _kind, apiVersion: _apiVersion, ...item }) => item));

    // Neither a token nor a log line anywhere in the trail.
    const trail = [fileText(), ...webhook.bodies].join('\n');
    const secrets = [...Object.values(tokens), robotToken, BAD_TOKEN, ctx.cluster.users['tailgate-gateway']!.token];
    expect(secrets.filter((secret) => trail.includes(secret))).toEqual([]);
    expect(written.length).toBeGreaterThanOrEqual(6);
    expect(written.filter((line) => trail.includes(line))).toEqual([]);
  });
});
