// The flow tap end to end on real parts: the real apiserver with the logging-operator CRDs, a real
// redis-server, two gateway replicas (kube-token + kube-rbac, pod metadata from the apiserver's
// pod watch) and a worker whose kube identity is a ServiceAccount bound only to the rendered
// tailgate-worker ClusterRole. Listeners subscribe on either replica; the worker makes the tap's
// Output, Secret and Flow ref and takes them down after the last one left. Bodies are posted the
// way fluentd posts them (password read from the tap's Secret) to the replica that does NOT run
// the tap, and by a real syslog-ng through its http() destination. Every client runs through the
// leak oracle: no line, cursor, forged label or forged name of a target it may not read reaches it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { closeRedisConnection, createRedisClient, RedisSharedState } from '@tailgate/bus';
import { parseConfig, type TailgateConfig } from '@tailgate/config';
import type { WireTarget } from '@tailgate/contracts';
import type { PolicyRule } from '@tailgate/plugin-sdk';
import { type RedisServer, startRedisServer } from '@tailgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BUNDLED_PLUGINS } from '../../apps/gateway/src/bundled-plugins';
import { workerClusterRoleRules } from '../../apps/gateway/src/k8s/cluster-role';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { type RunningWorker, startWorker } from '../../apps/worker/src/start-worker';
import { GENERATION_ANNOTATION, outputName, secretName } from '../../plugins/flow-tap/src/reconcile';
import { type TapRef, tapKey } from '../../plugins/flow-tap/src/tap-ref';
import { DEMAND_SET } from '../../plugins/flow-tap/src/tap-state';
import { serviceAccount, suffix, user } from '../cluster/src/fixtures';
import { KubeApiError } from '../cluster/src/kube-client';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { LogClient, seesTargets } from '../e2e/support/log-client';
import { grantGatewayIdentity } from './src/gateway-kube';
import { SyslogNg } from '../support/syslog-ng';

const LOGGING_GROUP = 'logging.banzaicloud.io';
const LOGGING = `/apis/${LOGGING_GROUP}/v1beta1`;
const SOURCE = 'flow-tap.flows';
const KEY_PREFIX = `tailgate-flow-tap-${suffix()}:`;
const DEMAND_TTL_MS = 1_000;
const POD_LOG = (pods?: string[]): PolicyRule => ({
  apiGroups: [''],
  resources: ['pods/log'],
  verbs: ['get'],
  ...(pods && { resourceNames: pods }),
});
const GET_FLOW = (name: string): PolicyRule => ({
  apiGroups: [LOGGING_GROUP],
  resources: ['flows'],
  verbs: ['get'],
  resourceNames: [name],
});

type Obj = {
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: { localOutputRefs?: string[]; http?: { endpoint?: string } };
  data?: Record<string, string>;
};

let ctx: ClusterTestContext;
let ns: string;
let otherNs: string;
let control: string;
let node: string;
let redis: RedisServer;
let redisClient: ReturnType<typeof createRedisClient>;
let sharedState: RedisSharedState;
let config: TailgateConfig;
let workerConfig: TailgateConfig;
let shipperDir: string;
/** Replica 1 takes the posts; replica 2 gets the first listener, so it runs the taps. */
let replica1: RunningGateway;
let replica2: RunningGateway;
let worker: RunningWorker | undefined;
const serverLog: string[] = [];
const clients: LogClient[] = [];
const cleanups: (() => Promise<void>)[] = [];

const id = suffix();
/** Flow A (alice, carol) and flow B (dave), in `ns`. */
let flowA: TapRef;
let flowB: TapRef;
const GHOST = `ghost-${id}`;
const FORGED_NODE = `forged-node-${id}`;
/** Lines of flow A's bodies, by the pod the record names. */
const LINE = {
  web: `web says hello ${id}`,
  secret: `secret-pod says the password ${id}`,
  ghost: `a pod that never was ${id}`,
  other: `web of the other namespace ${id}`,
  syslog: [`via syslog-ng one ${id}`, `via syslog-ng two ${id}`],
  syslogSecret: `secret-pod via syslog-ng ${id}`,
  flowB: `billing says hello ${id}`,
};
const forgedStrings = (): string[] => [GHOST, FORGED_NODE, 'rbac/policy', `"pod":"${GHOST}"`, `"ns":"${otherNs}"`];
const flowALines = (): string[] => [LINE.web, LINE.secret, LINE.ghost, LINE.other, ...LINE.syslog, LINE.syslogSecret];

beforeAll(async () => {
  SyslogNg.assertInstalled();
  ctx = await connectToTestCluster(`tg-flow-tap-gw-${id}`);
  node = ctx.kubelet.nodeName;
  await Promise.all([grantGatewayIdentity(ctx), ctx.fixtures.installLoggingOperatorCrds()]);
  [ns, otherNs, control] = await Promise.all([
    ctx.fixtures.namespace('tap'),
    ctx.fixtures.namespace('other'),
    ctx.fixtures.namespace('logging'),
  ]);
  flowA = { kind: 'flow', namespace: ns, name: 'checkout' };
  flowB = { kind: 'flow', namespace: ns, name: 'billing' };
  // The pods' real labels deny everyone; the bodies will claim otherwise.
  const deny = { labels: { 'rbac/policy': 'deny' } };
  await Promise.all([
    ctx.fixtures.pod(ns, 'web', deny),
    ctx.fixtures.pod(ns, 'secret-pod', deny),
    ctx.fixtures.pod(otherNs, 'web', deny),
    untilServed(['flows', 'outputs']).then(() => Promise.all([flow(flowA), flow(flowB)])),
    grantUsers(),
  ]);
  redis = await startRedisServer();
  redisClient = createRedisClient({ url: redis.url }, { role: 'commands' });
  sharedState = new RedisSharedState(redisClient, KEY_PREFIX);
  config = gatewayConfig(ctx.cluster.users['tailgate-gateway']!.token);
  workerConfig = gatewayConfig(await workerIdentity());
  const logDestination = { write: (line: string) => void serverLog.push(line) };
  [replica1, replica2] = await Promise.all([startGateway({ config, logDestination }), startGateway({ config, logDestination })]);
  worker = await startWorker(workerConfig, { logDestination });
  shipperDir = mkdtempSync(join(tmpdir(), 'tailgate-flow-tap-gw-'));
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const client of clients) client.socket.close();
  await replica1?.close();
  await replica2?.close();
  await worker?.stop('test over');
  if (redisClient) await closeRedisConnection(redisClient);
  await redis?.stop();
  await ctx?.stop();
  if (shipperDir) rmSync(shipperDir, { recursive: true, force: true });
});

function gatewayConfig(kubeToken: string): TailgateConfig {
  const parsed = parseConfig({
    server: { port: 0, host: '127.0.0.1' },
    log: { level: 'info' },
    redis: { url: redis.url, keyPrefix: KEY_PREFIX },
    kube: { connection: { mode: 'explicit', server: ctx.cluster.server, ca: ctx.cluster.ca, token: kubeToken } },
    podMetadata: { kind: 'kubernetes' },
    authentication: { authenticators: ['kube-token.token-review'] },
    access: { chain: ['kube-rbac.subject-access-review'], recheckIntervalMs: 300 },
    streams: { idleGraceMs: 200 },
    jobs: { lockMs: 1_000, stalledIntervalMs: 300, backoffBaseMs: 50, http: { host: '127.0.0.1', port: 0 } },
    plugins: {
      'kube-token': {},
      'kube-rbac': {},
      // The resync stays at its default (60 s), so taps are made and taken down by the triggered runs alone.
      'flow-tap': { controlNamespace: control, demandTtlMs: DEMAND_TTL_MS },
    },
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
}

/**
 * alice: web's logs (here and in the other namespace) and flow A; carol: flow A, no logs; bob:
 * every pod's logs, no Flow; dave: every pod's logs and flow B. Each binding is its own, so one can go.
 */
async function grantUsers(): Promise<void> {
  const f = ctx.fixtures;
  await Promise.all([
    f.role(ns, 'web-log', [POD_LOG(['web'])]),
    f.role(otherNs, 'web-log', [POD_LOG(['web'])]),
    f.role(ns, 'all-logs', [POD_LOG()]),
    f.role(ns, 'flow-a', [GET_FLOW(flowA.name)]),
    f.role(ns, 'flow-b', [GET_FLOW(flowB.name)]),
  ]);
  const bind = (where: string, role: string, who: string) =>
    f.roleBinding(where, `${who}-${role}`, { kind: 'Role', name: role }, [user(who)]);
  await Promise.all([
    bind(ns, 'web-log', 'alice'),
    bind(otherNs, 'web-log', 'alice'),
    bind(ns, 'flow-a', 'alice'),
    bind(ns, 'flow-a', 'carol'),
    bind(ns, 'all-logs', 'bob'),
    bind(ns, 'all-logs', 'dave'),
    bind(ns, 'flow-b', 'dave'),
  ]);
  await untilAllowed('alice', { namespace: ns, verb: 'get', group: LOGGING_GROUP, resource: 'flows', name: flowA.name });
  await untilAllowed('dave', { namespace: ns, verb: 'get', group: LOGGING_GROUP, resource: 'flows', name: flowB.name });
}

/** The worker's token: a ServiceAccount bound only to the worker ClusterRole rendered for this config. */
async function workerIdentity(): Promise<string> {
  const name = `tailgate-worker-${id}`;
  const rules = workerClusterRoleRules(gatewayConfig('unused'), BUNDLED_PLUGINS);
  await ctx.fixtures.createServiceAccount(control, name);
  await ctx.fixtures.clusterRole(name, rules);
  await ctx.fixtures.clusterRoleBinding(name, name, [serviceAccount(control, name)]);
  const [rule] = rules;
  await untilAllowed(`system:serviceaccount:${control}:${name}`, {
    namespace: ns,
    verb: rule!.verbs[0]!,
    group: rule!.apiGroups[0]!,
    resource: rule!.resources[0]!,
  });
  return ctx.fixtures.serviceAccountToken(control, name);
}

type Attributes = { namespace: string; verb: string; group: string; resource: string; name?: string };

/** RBAC takes bindings from informers: no event says one is in effect, so ask until it is. */
async function untilAllowed(who: string, attributes: Attributes): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const review = await ctx.admin.create<{ status: { allowed: boolean } }>('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: who, resourceAttributes: attributes },
    });
    if (review.status.allowed) return;
    if (attempt > 300) throw new Error(`${who} never got ${attributes.verb} ${attributes.resource}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An Established CRD's objects can still be answered 429 for a moment; no event says when they are served. */
async function untilServed(resources: readonly string[]): Promise<void> {
  for (const resource of resources) {
    for (let attempt = 0; (await ctx.admin.raw('GET', `${LOGGING}/${resource}`)).status !== 200; attempt++) {
      if (attempt > 200) throw new Error(`${resource} never served`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function flow(tap: TapRef): Promise<void> {
  await ctx.admin.create(`${LOGGING}/namespaces/${tap.namespace}/flows`, {
    apiVersion: `${LOGGING_GROUP}/v1beta1`,
    kind: 'Flow',
    metadata: { name: tap.name },
    spec: { match: [{ select: { labels: { app: tap.name } } }], localOutputRefs: ['team-output'] },
  });
}

const flowPath = (tap: TapRef) => `${LOGGING}/namespaces/${tap.namespace}/flows/${tap.name}`;
const outputsPath = (tap: TapRef) => `${LOGGING}/namespaces/${tap.namespace}/outputs`;
const secretPath = (tap: TapRef, generation: string) =>
  `/api/v1/namespaces/${tap.namespace}/secrets/${secretName(outputName(tap), generation)}`;

/** The object, or undefined when the apiserver answers 404. */
async function find(path: string): Promise<Obj | undefined> {
  try {
    return await ctx.admin.get<Obj>(path);
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return undefined;
    throw error;
  }
}

interface Tap {
  readonly output: Obj;
  readonly generation: string;
  /** The path fluentd posts to, from the Output's endpoint. */
  readonly path: string;
  /** As fluentd reads it: from the tap's Secret. */
  readonly password: string;
}

/** Waits (by watch) for the tap's Output, then for the Flow ref; reads the Secret as admin. */
async function tapAppears(tap: TapRef, timeoutMs = 10_000): Promise<Tap> {
  const output = await ctx.admin.watchUntil<Obj>(outputsPath(tap), outputName(tap), () => true, timeoutMs);
  await ctx.admin.watchUntil<Obj>(
    `${LOGGING}/namespaces/${tap.namespace}/flows`,
    tap.name,
    (f) => f.spec?.localOutputRefs?.includes(outputName(tap)) === true,
    timeoutMs,
  );
  const generation = output.metadata.annotations?.[GENERATION_ANNOTATION] ?? '';
  const secret = (await find(secretPath(tap, generation)))!;
  expect(secret, `the Secret of ${tapKey(tap)}`).toBeDefined();
  const password = Buffer.from(secret.data?.['password'] ?? '', 'base64').toString('utf8');
  return { output, generation, path: new URL(output.spec!.http!.endpoint!).pathname, password };
}

/** Polls the apiserver (no event says an object is gone for good) until Output, Secret and ref are. */
async function tapGone(tap: TapRef, generation: string, timeoutMs = 10_000): Promise<void> {
  const left = async () => {
    const [output, secret, refs] = await Promise.all([
      find(`${outputsPath(tap)}/${outputName(tap)}`),
      find(secretPath(tap, generation)),
      find(flowPath(tap)).then((f) => f?.spec?.localOutputRefs ?? []),
    ]);
    return { output: output !== undefined, secret: secret !== undefined, refs };
  };
  await expect
    .poll(left, { timeout: timeoutMs, interval: 100, message: `${tapKey(tap)} taken down` })
    .toEqual({ output: false, secret: false, refs: ['team-output'] });
}

/** The taps wanted now, as the worker reads them from shared state. */
async function demand(): Promise<string[]> {
  return (await sharedState.members(DEMAND_SET)).sort();
}

async function metric(url: string, series: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** Counted by the replica that runs the tap: only its stream looks the pods up. */
const dropped = (gateway: RunningGateway, reason: string): Promise<number> =>
  metric(gateway.url, `tailgate_flow_tap_records_dropped_total{reason="${reason}"}`);

async function connect(gateway: RunningGateway, who: string, sees: Parameters<typeof LogClient.connect>[1]['sees']): Promise<LogClient> {
  const client = await LogClient.connect(gateway.url, { token: ctx.cluster.users[who]!.token, sees });
  clients.push(client);
  return client;
}

const subscribeTo = (client: LogClient, tap: TapRef) => client.subscribe({ source: SOURCE, selector: { flow: tapKey(tap) } });

/** A record as fluent-bit's kubernetes filter shapes it and fluentd passes it on, with forged labels and host. */
function podRecord(namespace: string, pod: string, line: string): string {
  return JSON.stringify({
    log: `${line}\n`,
    stream: 'stdout',
    time: new Date().toISOString(),
    kubernetes: {
      pod_name: pod,
      namespace_name: namespace,
      container_name: 'app',
      host: FORGED_NODE,
      labels: { app: 'checkout', 'rbac/policy': 'allow', [`rbac/${ns}_carol`]: 'allow', 'rbac/carol': 'allow' },
    },
  });
}

/** POSTs newline-delimited JSON as fluentd's out_http (`format json`) does, with Basic auth when a password is given. */
async function post(gateway: RunningGateway, path: string, records: readonly string[], password?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
  if (password !== undefined) headers['authorization'] = `Basic ${Buffer.from(`tailgate-tap:${password}`).toString('base64')}`;
  return fetch(`${gateway.url}${path}`, { method: 'POST', headers, body: records.map((r) => `${r}\n`).join('') });
}

describe('flow-tap on two gateway replicas and a worker', () => {
  let alice: LogClient;
  let carol: LogClient;
  let dave: LogClient;
  let tapA: Tap;
  let tapB: Tap;
  /** Whatever alice was sent of web (its cursors): no one else may see them. */
  const aliceCursors = (): string[] => (alice as LogClient | undefined)?.records.map((r) => r.cursor) ?? [];
  const mayReadWeb = (t: WireTarget) => t.ns === ns && t.pod === 'web' && t.node === node;

  it('refuses bob, who may read every pod but not get the Flow, and taps nothing for him', async () => {
    const bob = await connect(
      replica2,
      'bob',
      seesTargets((t) => t.ns === ns, flowALines),
    );
    const ack = await subscribeTo(bob, flowA);
    expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await demand()).toEqual([]);
    expect(await find(`${outputsPath(flowA)}/${outputName(flowA)}`)).toBeUndefined();
    bob.close();
  });

  it('makes the Output, its Secret and the Flow ref for the first listener (replica 2); a listener on replica 1 shares them', async () => {
    carol = await connect(
      replica2,
      'carol',
      seesTargets(
        () => false,
        () => [...flowALines(), ...forgedStrings(), 'secret-pod', '"pod":"web"', ...aliceCursors()],
      ),
    );
    expect((await subscribeTo(carol, flowA)).ok).toBe(true);
    tapA = await tapAppears(flowA);
    expect(tapA.path).toBe(`/plugins/flow-tap/v1/flow/${ns}/${flowA.name}`);
    expect(tapA.password.length).toBeGreaterThanOrEqual(40);

    alice = await connect(
      replica1,
      'alice',
      seesTargets(mayReadWeb, () => [...forgedStrings(), LINE.secret, LINE.ghost, LINE.other, LINE.syslogSecret, LINE.flowB]),
    );
    expect((await subscribeTo(alice, flowA)).ok).toBe(true);
    dave = await connect(
      replica1,
      'dave',
      seesTargets(
        (t) => t.ns === ns && t.node === node,
        () => [...flowALines(), ...forgedStrings()],
      ),
    );
    expect((await subscribeTo(dave, flowB)).ok).toBe(true);
    tapB = await tapAppears(flowB);
    expect(await demand()).toEqual([tapKey(flowB), tapKey(flowA)].sort());
    // Shared, not made again: the same generation (a new one would rotate the password).
    const again = await tapAppears(flowA);
    expect(again.generation).toBe(tapA.generation);
  });

  it("delivers a fluentd body posted to replica 1 as the apiserver has its pods: alice gets web's line only; carol nothing", async () => {
    const body = [
      podRecord(ns, 'web', LINE.web),
      podRecord(ns, 'secret-pod', LINE.secret),
      podRecord(ns, GHOST, LINE.ghost),
      podRecord(otherNs, 'web', LINE.other),
    ];
    const [unknownBefore, wrongNsBefore] = [await dropped(replica2, 'unknown_pod'), await dropped(replica2, 'wrong_namespace')];
    const res = await post(replica1, tapA.path, body, tapA.password);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 4, dropped: 0 });

    await alice.waitFor(() => alice.records.length === 1, "web's line");
    expect(alice.records.map(({ ns: n, pod, container, node: at, stream, line }) => ({ n, pod, container, at, stream, line }))).toEqual([
      { n: ns, pod: 'web', container: 'app', at: node, stream: 'stdout', line: LINE.web },
    ]);
    expect(alice.targets.map((t) => `${t.op} ${t.target.ns}/${t.target.pod}/${t.target.container}@${t.target.node}`)).toEqual([
      `added ${ns}/web/app@${node}`,
    ]);
    // Judged with web's line, before it was sent on, by replica 2: the post reached its tap over Redis.
    expect(await dropped(replica2, 'unknown_pod')).toBe(unknownBefore + 1);
    expect(await dropped(replica2, 'wrong_namespace')).toBe(wrongNsBefore + 1);
    expect(await dropped(replica1, 'unknown_pod')).toBe(0);
    // carol may get the Flow but read no pod: she is told, at most, that something was hidden.
    await carol.waitFor(() => carol.hidden.length > 0, 'the hidden notice for web');
    expect(carol.records).toEqual([]);
    expect(carol.targets).toEqual([]);
    expect(carol.denied).toEqual([]);
  });

  it("keeps flow A's body from flow B's listener, and refuses flow A's password on B's URL (403) and no password (401)", async () => {
    const forB = [podRecord(ns, 'web', LINE.flowB)];
    const wrong = await post(replica1, tapB.path, forB, tapA.password);
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ code: 'forbidden' });
    const none = await post(replica1, tapA.path, forB);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await none.json()).toMatchObject({ code: 'unauthenticated' });

    const right = await post(replica2, tapB.path, forB, tapB.password);
    expect(right.status).toBe(200);
    await dave.waitFor(() => dave.records.length === 1, "flow B's line");
    expect(dave.lines()).toEqual([LINE.flowB]);
    expect(alice.lines()).toEqual([LINE.web]);
  });

  it('takes the records a real syslog-ng posts through http() with the tap credentials', async () => {
    const records = [
      podRecord(ns, 'web', LINE.syslog[0]!),
      podRecord(ns, 'secret-pod', LINE.syslogSecret),
      podRecord(ns, 'web', LINE.syslog[1]!),
    ];
    const url = `${replica1.url}${tapA.path}`;
    const destination = [
      `http(url("${url}") method("POST") user("tailgate-tap") password("${tapA.password}")`,
      'headers("Content-Type: application/x-ndjson") body("$MSG") batch-lines(3) batch-timeout(200)',
      // syslog-ng 3.38 retries a 400 forever by default (see the syslog-ng integration test).
      'time-reopen(1) response-action(400 => drop));',
    ].join(' ');
    const shipper = SyslogNg.start(shipperDir, destination, records);
    cleanups.push(() => shipper.stop());
    await alice
      .waitFor(() => alice.records.length === 3, "syslog-ng's two web lines", 15_000)
      .catch((error: unknown) => Promise.reject(new Error(`${String(error)}\nsyslog-ng said:\n${shipper.output()}`)));
    expect(alice.lines()).toEqual([LINE.web, ...LINE.syslog]);
    expect(alice.records.every((r) => r.node === node)).toBe(true);
    await shipper.stop();
  });

  it('ends alice’s subscription with access_revoked once she may no longer get the Flow, and refuses her again', async () => {
    await ctx.admin.delete(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/alice-flow-a`);
    await alice.waitFor(() => alice.ended.some((e) => e.reason === 'access_revoked'), 'access_revoked', 5_000);
    const again = await subscribeTo(alice, flowA);
    expect(again).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // carol still listens: the tap stays.
    expect(await find(`${outputsPath(flowA)}/${outputName(flowA)}`)).toBeDefined();
  });

  it('takes Output, Secret and Flow ref down once the last listener left, after the grace and the hand-over', async () => {
    const left = Date.now();
    carol.close();
    // Flow B's last listener leaves once flow A's demand has lapsed, while A's removal run is still
    // due: that run comes too early for B, which needs a run of its own (not the resync, minutes away).
    await expect.poll(demand, { timeout: 5_000, interval: 50, message: "flow A's demand lapsed" }).toEqual([tapKey(flowB)]);
    dave.close();
    await Promise.all([tapGone(flowA, tapA.generation), tapGone(flowB, tapB.generation)]);
    const goneInMs = Date.now() - left;
    // Not before the stopped stream's demand lapsed: that is the hand-over a takeover relies on.
    expect(goneInMs).toBeGreaterThanOrEqual(DEMAND_TTL_MS);
    expect(await demand()).toEqual([]);
  });

  it('leaves demand that appears while no worker runs to the next worker, which makes the tap', async () => {
    await worker!.stop('test: worker replaced');
    worker = undefined;
    const backlog = () => metric(replica2.url, 'tailgate_jobs_backlog');
    const before = await backlog();
    const carolAgain = await connect(
      replica2,
      'carol',
      seesTargets(() => false, flowALines),
    );
    expect((await subscribeTo(carolAgain, flowA)).ok).toBe(true);
    // The ack comes before the upstream starts; the stream states its demand as it does.
    await expect.poll(demand, { timeout: 5_000, interval: 20, message: 'the demand for flow A' }).toEqual([tapKey(flowA)]);
    // The stream queued its reconcile on Redis, and nobody takes it.
    await expect.poll(backlog, { timeout: 5_000, message: 'the reconcile queued' }).toBe(before + 1);
    expect(await find(`${outputsPath(flowA)}/${outputName(flowA)}`)).toBeUndefined();

    worker = await startWorker(workerConfig, { logDestination: { write: (line: string) => void serverLog.push(line) } });
    const tap = await tapAppears(flowA);
    expect(tap.generation).not.toBe(tapA.generation);
    carolAgain.close();
    await tapGone(flowA, tap.generation);
  });

  it('never logs a tap password, an Authorization header or a line', () => {
    const logged = serverLog.join('');
    const basic = (password: string) => Buffer.from(`tailgate-tap:${password}`).toString('base64');
    for (const secret of [tapA.password, tapB.password, basic(tapA.password), basic(tapB.password), ...flowALines(), LINE.flowB]) {
      expect(logged).not.toContain(secret);
    }
    for (const client of clients) expect(client.violations).toEqual([]);
  });
});
