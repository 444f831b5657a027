// The flow tap's reconcile job against the real apiserver with the logging-operator CRDs: the job
// is registered through the SDK (real kube transport, shared state in memory) and its handle run
// directly, as the worker would. Then the RBAC: the job run as a ServiceAccount bound only to the
// rendered tailgate-worker ClusterRole, and each rule of it shown to be needed.
import { parseConfig } from '@tailgate/config';
import { createKubeServices, type KubeTransport } from '@tailgate/kube';
import {
  definePlugin,
  type JobContext,
  MemoryPluginMetrics,
  MemorySharedState,
  type Plugin,
  type PolicyRule,
  silentLogger,
} from '@tailgate/plugin-sdk';
import { registerForTest } from '@tailgate/plugin-sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { renderRbacManifest, WORKER_ROLE } from '../../apps/gateway/src/k8s/cluster-role';
import { FlowTapConfigSchema } from '../../plugins/flow-tap/src/flow-tap-config';
import {
  addTapJobs,
  FLOW_TAP_JOB_RBAC,
  GENERATION_ANNOTATION,
  outputName,
  REFS_RESTORED_METRIC,
  secretName,
  TAP_KEY_ANNOTATION,
  TAP_LABEL,
  tapId,
} from '../../plugins/flow-tap/src/reconcile';
import { credentialMatches } from '../../plugins/flow-tap/src/tap-credential';
import { type TapRef, tapKey } from '../../plugins/flow-tap/src/tap-ref';
import { credentialKey, DEMAND_SET, DEMAND_VERSION, type StoredCredential } from '../../plugins/flow-tap/src/tap-state';
import { serviceAccount, suffix } from '../cluster/src/fixtures';
import { KubeApiError } from '../cluster/src/kube-client';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';

const LOGGING = '/apis/logging.banzaicloud.io/v1beta1';
const INGEST_URL = 'http://tailgate-gateway.tailgate.svc:8080';

type Obj = {
  metadata: { name: string; resourceVersion: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

/** The flow-tap plugin as far as this suite needs it: its config, its jobs and their RBAC. */
const flowTapJobsPlugin = definePlugin({
  id: 'flow-tap',
  description: 'flow-tap reconcile job (test stand-in for the plugin definition)',
  configSchema: FlowTapConfigSchema,
  jobRbac: FLOW_TAP_JOB_RBAC,
  register: (ctx) => void addTapJobs(ctx),
});

let ctx: ClusterTestContext;
let control: string;

beforeAll(async () => {
  ctx = await connectToTestCluster(`tg-flow-tap-${suffix()}`);
  await ctx.fixtures.installLoggingOperatorCrds();
  await untilServed(['flows', 'clusterflows', 'outputs', 'clusteroutputs']);
  control = await ctx.fixtures.namespace('logging');
});

/**
 * An Established CRD's objects can still be answered 429 for a moment (their watch cache is
 * starting), which the job would retry; the suite waits it out instead. No event says when.
 */
async function untilServed(resources: readonly string[]): Promise<void> {
  for (const resource of resources) {
    for (
      let attempt = 0;
      (await ctx.admin.raw('GET', `${LOGGING}/${resource}?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dtailgate`)).status !== 200;
      attempt++
    ) {
      if (attempt > 100) throw new Error(`${resource} never served`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

afterAll(async () => {
  // Whatever a test left wanted or half-made is taken down, so other files see no tap objects.
  if (ctx !== undefined) await (await worker()).run();
  await ctx?.stop();
});

interface Worker {
  readonly state: MemorySharedState;
  readonly metrics: MemoryPluginMetrics;
  want(tap: TapRef): Promise<void>;
  unwant(tap: TapRef): Promise<void>;
  /** One run of the reconcile job's handle, as the runner would start it. */
  run(): Promise<void>;
}

/** The job registered through the SDK with a real transport (admin unless `transport` is given). */
async function worker(opts: { transport?: KubeTransport; state?: MemorySharedState } = {}): Promise<Worker> {
  const state = opts.state ?? new MemorySharedState();
  const metrics = new MemoryPluginMetrics();
  const transport = opts.transport ?? (await transportFor(ctx.cluster.adminToken));
  const registered = await registerForTest(
    flowTapJobsPlugin,
    { ingestUrl: INGEST_URL, controlNamespace: control },
    { 'core.kube-transport': transport, 'core.shared-state': state, 'core.plugin-metrics': metrics },
  );
  const job = registered.jobs[0]!;
  const jobCtx: JobContext = { attempt: 1, logger: silentLogger, signal: new AbortController().signal };
  return {
    state,
    metrics,
    want: async (tap) => {
      await state.renew(DEMAND_SET, tapKey(tap), 600_000);
      await state.increment(DEMAND_VERSION);
    },
    unwant: async (tap) => {
      await state.remove(DEMAND_SET, tapKey(tap));
      await state.increment(DEMAND_VERSION);
    },
    run: () => job.handle({}, jobCtx),
  };
}

async function transportFor(token: string): Promise<KubeTransport> {
  const kube = await createKubeServices({
    connection: { mode: 'explicit', server: ctx.cluster.server, ca: ctx.cluster.ca, token },
    requestTimeoutMs: 10_000,
    podMetadata: { namespaces: [], initialSyncTimeoutMs: 10_000, watchTimeoutSeconds: 300 },
  });
  return kube.http;
}

/** A transport that calls `before` ahead of every request it forwards. */
function intercepted(inner: KubeTransport, before: (method: string, path: string) => Promise<void> | void): KubeTransport {
  return {
    json: async (method, path, schema, body, signal) => {
      await before(method, path);
      return inner.json(method, path, schema, body, signal);
    },
    patch: async (path, operations, schema, signal) => {
      await before('PATCH', path);
      return inner.patch(path, operations, schema, signal);
    },
    watch: inner.watch.bind(inner),
    stream: inner.stream.bind(inner),
  };
}

async function flow(namespace: string, name: string, refs: string[] = ['team-output']): Promise<TapRef> {
  await ctx.admin.create(`${LOGGING}/namespaces/${namespace}/flows`, {
    apiVersion: 'logging.banzaicloud.io/v1beta1',
    kind: 'Flow',
    metadata: { name },
    spec: { match: [{ select: { labels: { app: name } } }], localOutputRefs: refs },
  });
  return { kind: 'flow', namespace, name };
}

async function clusterFlow(name: string, refs: string[] = ['everything']): Promise<TapRef> {
  await ctx.admin.create(`${LOGGING}/namespaces/${control}/clusterflows`, {
    apiVersion: 'logging.banzaicloud.io/v1beta1',
    kind: 'ClusterFlow',
    metadata: { name },
    spec: { match: [{ select: {} }], globalOutputRefs: refs },
  });
  return { kind: 'clusterflow', namespace: control, name };
}

const flowPath = (tap: TapRef) => `${LOGGING}/namespaces/${tap.namespace}/${tap.kind === 'flow' ? 'flows' : 'clusterflows'}/${tap.name}`;
const outputPath = (tap: TapRef) =>
  `${LOGGING}/namespaces/${tap.namespace}/${tap.kind === 'flow' ? 'outputs' : 'clusteroutputs'}/${outputName(tap)}`;
const refsOf = async (tap: TapRef) =>
  (await ctx.admin.get<Obj>(flowPath(tap))).spec?.[tap.kind === 'flow' ? 'localOutputRefs' : 'globalOutputRefs'] as string[] | undefined;

/** The object, or undefined when the apiserver answers 404. */
async function find(path: string): Promise<Obj | undefined> {
  try {
    return await ctx.admin.get<Obj>(path);
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return undefined;
    throw error;
  }
}

async function storedOf(w: Worker, tap: TapRef): Promise<StoredCredential | undefined> {
  const text = await w.state.get(credentialKey(tap));
  return text === undefined ? undefined : (JSON.parse(text) as StoredCredential);
}

/** The tap's Output, its Secret's password, and the stored credential, all consistent. */
async function tapObjects(w: Worker, tap: TapRef): Promise<{ output: Obj; password: string; stored: StoredCredential }> {
  const output = (await find(outputPath(tap)))!;
  expect(output, `the Output of ${tapKey(tap)}`).toBeDefined();
  const generation = output.metadata.annotations?.[GENERATION_ANNOTATION] ?? '';
  const secret = await ctx.admin.get<Obj>(`/api/v1/namespaces/${tap.namespace}/secrets/${secretName(outputName(tap), generation)}`);
  const password = Buffer.from(secret.data?.['password'] ?? '', 'base64').toString('utf8');
  const stored = (await storedOf(w, tap))!;
  expect(stored.generation).toBe(generation);
  expect(credentialMatches(stored, password)).toBe(true);
  return { output, password, stored };
}

async function expectGone(w: Worker, tap: TapRef, generation: string): Promise<void> {
  expect(await find(outputPath(tap))).toBeUndefined();
  expect(await find(`/api/v1/namespaces/${tap.namespace}/secrets/${secretName(outputName(tap), generation)}`)).toBeUndefined();
  expect(await storedOf(w, tap)).toBeUndefined();
}

describe('the flow-tap reconcile job', () => {
  it('creates the Output, its Secret and the Flow ref while a Flow tap is wanted, and removes all three when it is not', async () => {
    const ns = await ctx.fixtures.namespace('team');
    const tap = await flow(ns, 'acme');
    const w = await worker();
    await w.want(tap);
    await w.run();

    const { output, password } = await tapObjects(w, tap);
    const secret = secretName(outputName(tap), output.metadata.annotations?.[GENERATION_ANNOTATION] ?? '');
    expect(output.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'tailgate', [TAP_LABEL]: tapId(tap) });
    expect(output.metadata.annotations?.[TAP_KEY_ANNOTATION]).toBe(`flow/${ns}/acme`);
    const http = output.spec?.['http'] as Record<string, unknown>;
    expect(http['endpoint']).toBe(`${INGEST_URL}/plugins/flow-tap/v1/flow/${ns}/acme`);
    expect(http['format']).toEqual({ type: 'json' });
    expect(http['auth']).toEqual({
      username: { valueFrom: { secretKeyRef: { name: secret, key: 'username' } } },
      password: { valueFrom: { secretKeyRef: { name: secret, key: 'password' } } },
    });
    expect(http['buffer']).toMatchObject({ type: 'memory', flush_mode: 'immediate', overflow_action: 'drop_oldest_chunk' });
    expect(password.length).toBeGreaterThanOrEqual(40);
    expect(await refsOf(tap)).toEqual(['team-output', outputName(tap)]);

    await w.unwant(tap);
    await w.run();
    await expectGone(w, tap, output.metadata.annotations?.[GENERATION_ANNOTATION] ?? '');
    expect(await refsOf(tap)).toEqual(['team-output']);
  });

  it('gives a ClusterFlow tap a ClusterOutput in the control namespace and a globalOutputRefs entry', async () => {
    const tap = await clusterFlow(`all-${suffix()}`);
    const w = await worker();
    await w.want(tap);
    await w.run();
    const { output } = await tapObjects(w, tap);
    expect((output.spec?.['http'] as Record<string, unknown>)['endpoint']).toBe(
      `${INGEST_URL}/plugins/flow-tap/v1/clusterflow/${control}/${tap.name}`,
    );
    expect(await refsOf(tap)).toEqual(['everything', outputName(tap)]);

    await w.unwant(tap);
    await w.run();
    await expectGone(w, tap, output.metadata.annotations?.[GENERATION_ANNOTATION] ?? '');
    expect(await refsOf(tap)).toEqual(['everything']);
  });

  it('names objects validly for the longest Flow names, and apart for a Flow and a ClusterFlow of one name', async () => {
    const name = `a.${'b'.repeat(120)}.c-${suffix()}`;
    const tap = await flow(control, name, []);
    const twin = await clusterFlow(name, []);
    const w = await worker();
    await w.want(tap);
    await w.want(twin);
    await w.run();
    await tapObjects(w, tap);
    await tapObjects(w, twin);
    expect(outputName(tap)).not.toBe(outputName(twin));
    expect(await refsOf(tap)).toEqual([outputName(tap)]);
    await w.unwant(tap);
    await w.unwant(twin);
    await w.run();
    expect(await refsOf(twin)).toEqual([]);
  });

  for (const want of ['added', 'removed'] as const) {
    it(`re-reads and patches again when someone edits the Flow's refs between its read and its patch (ref ${want}); both edits survive`, async () => {
      const ns = await ctx.fixtures.namespace('race');
      const tap = await flow(ns, 'raced');
      const admin = await transportFor(ctx.cluster.adminToken);
      const patches: string[] = [];
      let armed = want === 'added';
      const transport = intercepted(admin, async (method, path) => {
        if (method !== 'PATCH' || path !== flowPath(tap)) return;
        patches.push(path);
        if (!armed) return;
        armed = false;
        // Someone else (a person, a GitOps controller) adds a ref after the job read the Flow.
        const refs = (await refsOf(tap)) ?? [];
        await ctx.admin.patch(flowPath(tap), { spec: { localOutputRefs: [...refs, 'added-meanwhile'] } });
      });
      const w = await worker({ transport });
      await w.want(tap);
      await w.run();
      if (want === 'removed') {
        armed = true;
        await w.unwant(tap);
        await w.run();
        expect(await refsOf(tap)).toEqual(['team-output', 'added-meanwhile']);
      } else {
        expect(await refsOf(tap)).toEqual(['team-output', 'added-meanwhile', outputName(tap)]);
      }
      expect(patches.length).toBe(want === 'added' ? 2 : 3);
      await w.unwant(tap);
      await w.run();
    });
  }

  it("removes a previous run's leftovers (found at the first run after a start), and never objects without its labels", async () => {
    const ns = await ctx.fixtures.namespace('left');
    const tap = await flow(ns, 'old');
    const gone = await flow(ns, 'gone');
    const before = await worker();
    await before.want(tap);
    await before.want(gone);
    await before.run();
    const generation = (await tapObjects(before, tap)).stored.generation;
    // A leftover whose Flow was deleted since, and one whose tap annotation someone removed.
    await ctx.admin.delete(flowPath(gone));
    await ctx.admin.patch(
      outputPath(gone),
      [{ op: 'remove', path: `/metadata/annotations/${TAP_KEY_ANNOTATION.replace('/', '~1')}` }],
      'json',
    );
    // Not ours: a user's Output, and one saying managed-by tailgate without a tap label.
    const theirs = { apiVersion: 'logging.banzaicloud.io/v1beta1', kind: 'Output', spec: { nullout: {} } };
    await ctx.admin.create(`${LOGGING}/namespaces/${ns}/outputs`, { ...theirs, metadata: { name: 'team-output' } });
    await ctx.admin.create(`${LOGGING}/namespaces/${ns}/outputs`, {
      ...theirs,
      metadata: { name: 'other-tailgate-thing', labels: { 'app.kubernetes.io/managed-by': 'tailgate' } },
    });

    // The worker restarts with the same shared state but nobody wants a tap any more.
    const after = await worker({ state: before.state });
    await after.state.remove(DEMAND_SET, tapKey(tap));
    await after.state.remove(DEMAND_SET, tapKey(gone));
    await after.run();
    await expectGone(after, tap, generation);
    expect(await find(outputPath(gone))).toBeUndefined();
    expect(await refsOf(tap)).toEqual(['team-output']);
    expect(await find(`${LOGGING}/namespaces/${ns}/outputs/team-output`)).toBeDefined();
    expect(await find(`${LOGGING}/namespaces/${ns}/outputs/other-tailgate-thing`)).toBeDefined();
  });

  it("adds back a ref someone else removed (a GitOps revert), counts it, and leaves the Flow's other refs alone", async () => {
    const ns = await ctx.fixtures.namespace('gitops');
    const tap = await flow(ns, 'reverted', ['first', 'second']);
    const w = await worker();
    await w.want(tap);
    await w.run();
    const { stored } = await tapObjects(w, tap);
    await ctx.admin.patch(flowPath(tap), { spec: { localOutputRefs: ['first', 'second', 'third'] } });

    await w.run();
    expect(await refsOf(tap)).toEqual(['first', 'second', 'third', outputName(tap)]);
    expect(w.metrics.value(REFS_RESTORED_METRIC, { kind: 'flow' })).toBe(1);
    // Restoring the ref neither recreates the Output nor rotates its credential.
    expect((await tapObjects(w, tap)).stored).toEqual(stored);
    await w.run();
    expect(w.metrics.value(REFS_RESTORED_METRIC, { kind: 'flow' })).toBe(1);
    await w.unwant(tap);
    await w.run();
    expect(await refsOf(tap)).toEqual(['first', 'second', 'third']);
  });

  it('rotates the credential when a tap is recreated, and when the stored one is lost; each matches its Secret', async () => {
    const ns = await ctx.fixtures.namespace('rotate');
    const tap = await flow(ns, 'rotating');
    const w = await worker();
    await w.want(tap);
    await w.run();
    const first = await tapObjects(w, tap);
    await w.unwant(tap);
    await w.run();
    await w.want(tap);
    await w.run();
    const second = await tapObjects(w, tap);
    expect(second.stored.generation).not.toBe(first.stored.generation);
    expect(second.password).not.toBe(first.password);

    // Shared state lost (Redis flushed): the Secret's password is unknown, so the tap is made anew.
    await w.state.delete(credentialKey(tap));
    await w.run();
    const third = await tapObjects(w, tap);
    expect(third.stored.generation).not.toBe(second.stored.generation);
    await expectGoneSecret(tap, second.stored.generation);
    expect(await refsOf(tap)).toEqual(['team-output', outputName(tap)]);
    await w.unwant(tap);
    await w.run();
  });

  it('creates nothing for a tap whose Flow does not exist, and says so', async () => {
    const ns = await ctx.fixtures.namespace('nothing');
    const tap: TapRef = { kind: 'flow', namespace: ns, name: 'missing' };
    const w = await worker();
    await w.want(tap);
    await w.run();
    expect(await find(outputPath(tap))).toBeUndefined();
    expect(await storedOf(w, tap)).toBeUndefined();
    expect(w.metrics.value('tailgate_flow_tap_flows_missing_total', { kind: 'flow' })).toBe(1);
  });

  it('serves demand that changed while it ran before it ends (the trigger was coalesced into the running job)', async () => {
    const ns = await ctx.fixtures.namespace('late');
    const early = await flow(ns, 'early');
    const late = await flow(ns, 'late');
    const admin = await transportFor(ctx.cluster.adminToken);
    const state = new MemorySharedState();
    let lists = 0;
    const transport = intercepted(admin, async (method, path) => {
      if (method !== 'GET' || !path.startsWith(`${LOGGING}/outputs?`) || ++lists !== 1) return;
      // A stream starts wanting `late` while the run is under way; its trigger finds the run queued.
      await state.renew(DEMAND_SET, tapKey(late), 600_000);
      await state.increment(DEMAND_VERSION);
    });
    const w = await worker({ transport, state });
    await w.want(early);
    await w.run();
    expect(lists).toBe(2);
    await tapObjects(w, early);
    await tapObjects(w, late);
    await w.unwant(early);
    await w.unwant(late);
    await w.run();
  });
});

async function expectGoneSecret(tap: TapRef, generation: string): Promise<void> {
  expect(await find(`/api/v1/namespaces/${tap.namespace}/secrets/${secretName(outputName(tap), generation)}`)).toBeUndefined();
}

describe('the tailgate-worker ClusterRole', () => {
  type Triple = { group: string; resource: string; verb: string };
  const triples = (rules: readonly PolicyRule[]): Triple[] =>
    rules.flatMap((r) =>
      r.apiGroups.flatMap((group) => r.resources.flatMap((resource) => r.verbs.map((verb) => ({ group, resource, verb })))),
    );
  const label = (t: Triple) => `${t.verb} ${t.group === '' ? '' : `${t.group}/`}${t.resource}`;

  /** The rendered k8s/rbac.yaml worker ClusterRole's rules for a config enabling flow-tap. */
  function renderedWorkerRules(): PolicyRule[] {
    const parsed = parseConfig({ plugins: { 'flow-tap': {} }, podMetadata: { kind: 'none' } });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const docs = parseAllDocuments(renderRbacManifest(parsed.config, [flowTapJobsPlugin as Plugin<unknown>])).map(
      (doc) => doc.toJS() as { kind: string; metadata: { name: string }; rules?: PolicyRule[] },
    );
    const role = docs.find((doc) => doc.kind === 'ClusterRole' && doc.metadata.name === WORKER_ROLE);
    if (role?.rules === undefined) throw new Error('no worker ClusterRole rendered');
    return role.rules;
  }

  /** A ServiceAccount bound only to a ClusterRole with `rules`; its transport once RBAC has seen the binding. */
  async function boundTo(rules: readonly PolicyRule[], ns: string): Promise<KubeTransport> {
    const name = `tg-worker-${suffix()}`;
    await ctx.fixtures.createServiceAccount(ns, name);
    await ctx.fixtures.clusterRole(name, rules);
    await ctx.fixtures.clusterRoleBinding(name, name, [serviceAccount(ns, name)]);
    const token = await ctx.fixtures.serviceAccountToken(ns, name);
    // RBAC takes bindings from informers: no event says one is in effect, so ask until it is.
    const probe = triples(rules)[0]!;
    const as = ctx.admin.as(token);
    for (let attempt = 0; ; attempt++) {
      const review = await as.create<{ status: { allowed: boolean } }>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { group: probe.group, resource: probe.resource, verb: probe.verb, namespace: control } },
      });
      if (review.status.allowed) break;
      if (attempt > 200) throw new Error('the binding never took effect');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return transportFor(token);
  }

  /** Every kind of call: a Flow and a ClusterFlow tap made, then both taken down. */
  async function fullCycle(transport: KubeTransport): Promise<void> {
    const ns = await ctx.fixtures.namespace('rbac');
    const tap = await flow(ns, 'audited');
    const cluster = await clusterFlow(`audited-${suffix()}`);
    const w = await worker({ transport });
    await w.want(tap);
    await w.want(cluster);
    await w.run();
    await w.unwant(tap);
    await w.unwant(cluster);
    await w.run();
  }

  it('is enough: the job run as a ServiceAccount bound only to it makes and removes taps', async () => {
    const rules = renderedWorkerRules();
    expect(triples(rules).map(label).sort()).toEqual(triples(FLOW_TAP_JOB_RBAC).map(label).sort());
    const ns = await ctx.fixtures.namespace('worker');
    const transport = await boundTo(rules, ns);
    const w = await worker({ transport });
    const tap = await flow(ns, 'worked');
    await w.want(tap);
    await w.run();
    await tapObjects(w, tap);
    expect(await refsOf(tap)).toEqual(['team-output', outputName(tap)]);
    await w.unwant(tap);
    await w.run();
    expect(await find(outputPath(tap))).toBeUndefined();
  });

  it('grants exactly the calls the job makes: each rule is used, and nothing else is called', async () => {
    const calls = new Set<string>();
    const admin = await transportFor(ctx.cluster.adminToken);
    await fullCycle(intercepted(admin, (method, path) => void calls.add(label(requestAttributes(method, path)))));
    expect([...calls].sort()).toEqual(triples(renderedWorkerRules()).map(label).sort());
  });

  it('needs every verb it grants: without any one of them the job fails, forbidden', async () => {
    const rules = renderedWorkerRules();
    const ns = await ctx.fixtures.namespace('minus');
    for (const missing of triples(rules)) {
      const reduced = triples(rules)
        .filter((t) => label(t) !== label(missing))
        .map((t): PolicyRule => ({ apiGroups: [t.group], resources: [t.resource], verbs: [t.verb] }));
      const transport = await boundTo(reduced, ns);
      await expect(fullCycle(transport), `without ${label(missing)}`).rejects.toMatchObject({ code: 'forbidden' });
    }
    // Leftovers of the failed cycles are cleaned by a run with every rule.
    await (await worker()).run();
  });
});

/** The RBAC attributes of a request: group, resource and verb, from its method and path. */
function requestAttributes(method: string, path: string): { group: string; resource: string; verb: string } {
  const parts = path.split('?')[0]!.split('/').filter(Boolean);
  const [group, rest] = parts[0] === 'api' ? ['', parts.slice(2)] : [parts[1]!, parts.slice(3)];
  const scoped = rest[0] === 'namespaces' && rest.length > 2 ? rest.slice(2) : rest;
  const [resource = '', name] = scoped;
  const verbs: Record<string, string> = { POST: 'create', PATCH: 'patch', PUT: 'update', DELETE: 'delete' };
  const verb = method === 'GET' ? (name === undefined ? 'list' : 'get') : (verbs[method] ?? method);
  return { group, resource, verb };
}
