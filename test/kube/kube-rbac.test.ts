// kube-rbac against real RBAC: a matrix of bindings × requests with the exact decision per cell,
// subjects obtained through kube-token (as the gateway would), conformance, and the SAR cost
// behind a decision cache like the host's.
import { type KubeApi } from '@tailgate/kube';
import { type AccessRequest, type Decision, silentLogger, type Subject } from '@tailgate/plugin-sdk';
import { describeAuthorizer, registerForTest } from '@tailgate/plugin-sdk/testing';
import { kubeRbacPlugin } from '@tailgate/plugin-kube-rbac';
import { kubeTokenPlugin } from '@tailgate/plugin-kube-token';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { group, serviceAccount, suffix, user } from '../cluster/src/fixtures';
import { connectToTestCluster, type ClusterTestContext } from '../cluster/src/test-context';
import { countingKubeApi, gatewayKube, grantGatewayIdentity } from './src/gateway-kube';
import { askThroughHostCache } from './src/host-like-access';

const POD_LOG = [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }];
const signal = () => ({ signal: new AbortController().signal, logger: silentLogger });

let ctx: ClusterTestContext;
let api: KubeApi;
let ns: string;
let ns2: string;
const subjects = new Map<string, Subject>();

beforeAll(async () => {
  ctx = await connectToTestCluster('node-kube-rbac');
  await grantGatewayIdentity(ctx);
  api = (await gatewayKube(ctx)).api;
  [ns, ns2] = [await ctx.fixtures.namespace('rbac-a'), await ctx.fixtures.namespace('rbac-b')];
  await bindMatrixRoles();
  await loadSubjects();
});

afterAll(async () => {
  await ctx?.stop();
});

/** The bindings each matrix row relies on. */
async function bindMatrixRoles(): Promise<void> {
  const id = suffix();
  await ctx.fixtures.createServiceAccount(ns, 'reader');
  await ctx.fixtures.createServiceAccount(ns, 'auditor');
  // alice and the reader ServiceAccount: a namespace-wide Role in ns.
  await ctx.fixtures.grant(ns, 'all-pod-logs', POD_LOG, [user('alice'), serviceAccount(ns, 'reader')]);
  // bob: a Role naming pod-1 only.
  await ctx.fixtures.grant(ns, 'pod-1-logs', [{ ...POD_LOG[0]!, resourceNames: ['pod-1'] }], [user('bob')]);
  // group qa (alice, not carol): a ClusterRole bound in ns2 by a RoleBinding.
  await ctx.fixtures.clusterRole(`tg-pod-logs-${id}`, POD_LOG);
  await ctx.fixtures.roleBinding(ns2, 'qa-pod-logs', { kind: 'ClusterRole', name: `tg-pod-logs-${id}` }, [group('qa')]);
  // the auditor ServiceAccount: the same ClusterRole, cluster-wide.
  await ctx.fixtures.clusterRoleBinding(`tg-auditor-${id}`, `tg-pod-logs-${id}`, [serviceAccount(ns, 'auditor')]);
}

/** Subjects exactly as kube-token produces them from real tokens. */
async function loadSubjects(): Promise<void> {
  const { authenticators } = await registerForTest(kubeTokenPlugin, {}, { 'core.kube': api });
  const tokens: Record<string, string> = {
    alice: ctx.cluster.users['alice']!.token,
    bob: ctx.cluster.users['bob']!.token,
    carol: ctx.cluster.users['carol']!.token,
    dave: ctx.cluster.users['dave']!.token,
    reader: await ctx.fixtures.serviceAccountToken(ns, 'reader'),
    auditor: await ctx.fixtures.serviceAccountToken(ns, 'auditor'),
  };
  for (const [name, token] of Object.entries(tokens)) {
    const result = await authenticators[0]!.authenticate({ token }, signal());
    if (!result.ok) throw new Error(`${name} did not authenticate`);
    subjects.set(name, result.subject);
  }
}

const subject = (name: string): Subject => subjects.get(name)!;
const target = (who: string, namespace: string, pod: string): AccessRequest => ({
  kind: 'target',
  action: 'logs.read',
  subject: subject(who),
  target: { namespace, pod },
});
const scope = (who: string, namespace?: string, pod?: string): AccessRequest => ({
  kind: 'scope',
  action: 'logs.read',
  subject: subject(who),
  scope: { ...(namespace === undefined ? {} : { namespace }), ...(pod === undefined ? {} : { pod }) },
});

type Cell = readonly [string, () => AccessRequest, Decision['result']];
const matrix = (): readonly Cell[] => [
  ['alice: namespace Role, pod-1', () => target('alice', ns, 'pod-1'), 'allow'],
  ['alice: namespace Role, pod-2', () => target('alice', ns, 'pod-2'), 'allow'],
  ['alice: namespace Role, namespace scope', () => scope('alice', ns), 'allow'],
  ['alice: group qa via RoleBinding of a ClusterRole in ns2', () => target('alice', ns2, 'pod-1'), 'allow'],
  ['alice: all namespaces', () => scope('alice'), 'abstain'],
  ['alice: elsewhere', () => target('alice', 'kube-system', 'pod-1'), 'deny'],
  ['bob: resourceNames pod-1, pod-1', () => target('bob', ns, 'pod-1'), 'allow'],
  ['bob: resourceNames pod-1, pod-2', () => target('bob', ns, 'pod-2'), 'deny'],
  ['bob: resourceNames pod-1, namespace scope', () => scope('bob', ns), 'abstain'],
  ['bob: resourceNames pod-1, scope of pod-1', () => scope('bob', ns, 'pod-1'), 'allow'],
  ['bob: resourceNames pod-1, scope of pod-2', () => scope('bob', ns, 'pod-2'), 'deny'],
  ['carol: devs has no binding in ns2', () => target('carol', ns2, 'pod-1'), 'deny'],
  ['carol: namespace scope ns2', () => scope('carol', ns2), 'abstain'],
  ['dave: no bindings, target', () => target('dave', ns, 'pod-1'), 'deny'],
  ['dave: no bindings, all namespaces', () => scope('dave'), 'abstain'],
  ['reader SA: namespace Role', () => target('reader', ns, 'pod-2'), 'allow'],
  ['reader SA: namespace scope', () => scope('reader', ns), 'allow'],
  ['reader SA: other namespace', () => target('reader', ns2, 'pod-1'), 'deny'],
  ['auditor SA: ClusterRoleBinding, all namespaces', () => scope('auditor'), 'allow'],
  ['auditor SA: ClusterRoleBinding, any pod', () => target('auditor', ns2, 'pod-9'), 'allow'],
];

async function authorizer(kube: KubeApi = api) {
  const { authorizers } = await registerForTest(kubeRbacPlugin, {}, { 'core.kube': kube });
  return authorizers[0]!;
}

describeAuthorizer('kube-rbac', async () => ({
  authorizer: await authorizer(),
  cases: matrix().map(([name, request, expected]) => ({ name, request: request(), expected })),
}));

describe('kube-rbac RBAC matrix', () => {
  it.each(matrix())('%s → %s', async (_name, request, expected) => {
    expect((await (await authorizer()).authorize(request(), signal())).result).toBe(expected);
  });

  it('names the resource in a deny, never the apiserver text', async () => {
    const decision = await (await authorizer()).authorize(target('bob', ns, 'pod-2'), signal());
    expect(decision).toEqual({ result: 'deny', reason: `Kubernetes RBAC does not allow get pods/log of ${ns}/pod-2` });
  });

  it('reviews get pods/log with the pod name and the whole subject', async () => {
    const counting = countingKubeApi(api);
    await (await authorizer(counting)).authorize(target('reader', ns, 'pod-1'), signal());
    const reader = subject('reader');
    expect(counting.accessReviews).toEqual([
      {
        user: reader.user,
        groups: reader.groups,
        uid: reader.uid,
        extra: reader.extra,
        resourceAttributes: { verb: 'get', group: '', version: 'v1', resource: 'pods', subresource: 'log', namespace: ns, name: 'pod-1' },
      },
    ]);
  });

  it('throws a coded error when the gateway may not create SubjectAccessReviews', async () => {
    const dave = (await gatewayKube(ctx, { as: 'dave' })).api;
    await expect((await authorizer(dave)).authorize(target('alice', ns, 'pod-1'), signal())).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('kube-rbac cost behind a host-like decision cache', () => {
  it('sends one SubjectAccessReview per distinct (user, namespace, pod), however often and concurrently asked', async () => {
    const counting = countingKubeApi(api);
    const ask = askThroughHostCache(await authorizer(counting));
    const requests = ['alice', 'bob', 'reader'].flatMap((who) => ['pod-1', 'pod-2', 'pod-3'].map((pod) => target(who, ns, pod)));
    const results = await Promise.all([...requests, ...requests, ...requests].map((r) => ask(r)));
    await Promise.all(requests.map((r) => ask(r)));
    expect(results.filter((d) => d.result === 'allow')).toHaveLength(3 * 7);
    const distinct = new Set(counting.accessReviews.map((s) => `${s.user}|${s.resourceAttributes.namespace}|${s.resourceAttributes.name}`));
    expect(distinct.size).toBe(9);
    expect(counting.accessReviews).toHaveLength(9);
  });
});
