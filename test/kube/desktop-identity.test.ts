// Desktop identity against real RBAC: the gateway runs with a user's own kubeconfig. Readable
// scope discovery for a namespace-only user (no cluster-scope call may fail it), a cluster-wide
// reader and a user who may list namespaces; kube-self's authorizer and local-token
// authenticator with conformance.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import {
  contextNamespace,
  createKubeSelfApi,
  discoverReadableScope,
  type HttpKubeSelfApi,
  type KubeConnection,
  type ReadableScopeApi,
} from '@tailgate/kube';
import { type AccessRequest, type Authorizer, type Decision, silentLogger, type Subject } from '@tailgate/plugin-sdk';
import { describeAuthenticator, describeAuthorizer, registerForTest } from '@tailgate/plugin-sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { kubeSelfPlugin, NOT_LOCAL_TOKEN, NOT_SELF } from '@tailgate/plugin-kube-self';
import { serviceAccount, suffix, user } from '../cluster/src/fixtures';
import { connectToTestCluster, type ClusterTestContext } from '../cluster/src/test-context';
import { userKubeconfig } from './src/user-kubeconfig';

const POD_LOG = [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }];
const LOCAL_TOKEN = randomBytes(24).toString('base64url');
const call = () => ({ signal: new AbortController().signal, logger: silentLogger });

let ctx: ClusterTestContext;
let dir: string;
let nsA: string;
let nsB: string;
let nsC: string;
const kubeconfigs = new Map<string, KubeConnection>();
const apis = new Map<string, HttpKubeSelfApi>();

beforeAll(async () => {
  ctx = await connectToTestCluster('node-desktop');
  dir = await mkdtemp(join(tmpdir(), 'tailgate-desktop-'));
  [nsA, nsB, nsC] = [
    await ctx.fixtures.namespace('desk-a'),
    await ctx.fixtures.namespace('desk-b'),
    await ctx.fixtures.namespace('desk-c'),
  ];
  // dave: all pod logs in nsA, pod-1 only in nsB, nothing cluster-wide.
  await ctx.fixtures.grant(nsA, 'dave-logs', POD_LOG, [user('dave')]);
  await ctx.fixtures.grant(nsB, 'dave-pod-1', [{ ...POD_LOG[0]!, resourceNames: ['pod-1'] }], [user('dave')]);
  // ServiceAccounts, so no static user gains a cluster-wide right another file relies on.
  const id = suffix();
  await ctx.fixtures.createServiceAccount(nsC, 'auditor');
  await ctx.fixtures.clusterRole(`tg-desk-read-${id}`, [...POD_LOG, { apiGroups: [''], resources: ['pods'], verbs: ['list'] }]);
  await ctx.fixtures.clusterRoleBinding(`tg-desk-read-${id}`, `tg-desk-read-${id}`, [serviceAccount(nsC, 'auditor')]);
  await ctx.fixtures.createServiceAccount(nsC, 'lister');
  await ctx.fixtures.clusterRole(`tg-desk-ns-${id}`, [{ apiGroups: [''], resources: ['namespaces'], verbs: ['list'] }]);
  await ctx.fixtures.clusterRoleBinding(`tg-desk-ns-${id}`, `tg-desk-ns-${id}`, [serviceAccount(nsC, 'lister')]);
  await ctx.fixtures.grant(nsA, 'lister-logs', POD_LOG, [serviceAccount(nsC, 'lister')]);
  await writeKubeconfig('dave', ctx.cluster.users['dave']!.token, nsA);
  await writeKubeconfig('auditor', await ctx.fixtures.serviceAccountToken(nsC, 'auditor'));
  await writeKubeconfig('lister', await ctx.fixtures.serviceAccountToken(nsC, 'lister'));
});

afterAll(async () => {
  await ctx?.stop();
});

/** A kubeconfig file for one user, as `kubectl config` would write it; the gateway loads it through client-node. */
async function writeKubeconfig(name: string, token: string, namespace?: string): Promise<void> {
  const path = join(dir, `${name}.kubeconfig`);
  const file = userKubeconfig(ctx, name, token, namespace);
  await writeFile(path, JSON.stringify(file), { mode: 0o600 });
  const connection: KubeConnection = { mode: 'kubeconfig', path };
  kubeconfigs.set(name, connection);
  apis.set(name, await createKubeSelfApi({ connection, requestTimeoutMs: 10_000 }));
}

const api = (name: string): HttpKubeSelfApi => apis.get(name)!;

/** Records every call and whether it failed, to prove no cluster-scope request broke discovery. */
function recording(inner: HttpKubeSelfApi) {
  const calls: { what: string; failed: boolean }[] = [];
  const track = <T>(what: string, promise: Promise<T>): Promise<T> =>
    promise.then(
      (value) => (calls.push({ what, failed: false }), value),
      (error: unknown) => {
        calls.push({ what, failed: true });
        throw error;
      },
    );
  const recorded: ReadableScopeApi = {
    selfSubjectAccessReview: (a, o) =>
      track(`ssar ${a.verb} ${a.resource}${a.namespace ? ` ${a.namespace}` : ''}`, inner.selfSubjectAccessReview(a, o)),
    selfSubjectRulesReview: (ns, o) => track(`ssrr ${ns}`, inner.selfSubjectRulesReview(ns, o)),
    listNamespaces: (o) => track('list namespaces', inner.listNamespaces(o)),
  };
  return { recorded, calls };
}

describe('readable scope discovery', () => {
  it('starts from the kubeconfig context namespace', async () => {
    expect(await contextNamespace(kubeconfigs.get('dave')!)).toBe(nsA);
    expect(await contextNamespace(kubeconfigs.get('auditor')!)).toBeUndefined();
  });

  it('finds exactly a namespace-only user’s namespaces and pods, with no failed or listing call', async () => {
    const { recorded, calls } = recording(api('dave'));
    const candidates = [(await contextNamespace(kubeconfigs.get('dave')!))!, nsB, nsC];
    expect(await discoverReadableScope(recorded, { candidates })).toEqual({
      allNamespaces: false,
      namespaces: [
        { name: nsA, pods: '*' },
        { name: nsB, pods: ['pod-1'] },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    });
    expect(calls.filter((c) => c.failed)).toEqual([]);
    expect(calls.map((c) => c.what)).not.toContain('list namespaces');
  });

  it('gives a namespace-only user without candidates an empty scope, not an error', async () => {
    expect(await discoverReadableScope(api('dave'))).toEqual({ allNamespaces: false, namespaces: [] });
  });

  it('gives a cluster-wide reader all namespaces', async () => {
    expect(await discoverReadableScope(api('auditor'), { candidates: [nsA] })).toEqual({ allNamespaces: true, namespaces: [] });
  });

  it('lists namespaces for a user who may, keeping those readable namespace-wide', async () => {
    const { recorded, calls } = recording(api('lister'));
    expect(await discoverReadableScope(recorded)).toEqual({ allNamespaces: false, namespaces: [{ name: nsA, pods: '*' }] });
    expect(calls).toContainEqual({ what: 'list namespaces', failed: false });
    expect(calls.filter((c) => c.failed)).toEqual([]);
  });
});

async function plugin(name: string) {
  return registerForTest(kubeSelfPlugin, { token: LOCAL_TOKEN }, { 'core.kube': api(name), 'core.kube-self': api(name) });
}

async function selfSubject(name: string): Promise<Subject> {
  const result = await (await plugin(name)).authenticators[0]!.authenticate({ token: LOCAL_TOKEN }, call());
  if (!result.ok) throw new Error(`local token refused for ${name}`);
  return result.subject;
}

const target = (subject: Subject, namespace: string, pod: string): AccessRequest => ({
  kind: 'target',
  action: 'logs.read',
  subject,
  target: { namespace, pod },
});
const scope = (subject: Subject, namespace?: string): AccessRequest => ({
  kind: 'scope',
  action: 'logs.read',
  subject,
  scope: namespace === undefined ? {} : { namespace },
});

type Cell = readonly [string, (dave: Subject) => AccessRequest, Decision['result']];
const matrix: readonly Cell[] = [
  ['granted namespace, any pod', (d) => target(d, nsA, 'pod-9'), 'allow'],
  ['granted namespace scope', (d) => scope(d, nsA), 'allow'],
  ['ungranted namespace, a pod', (d) => target(d, nsC, 'pod-1'), 'deny'],
  ['ungranted namespace scope', (d) => scope(d, nsC), 'abstain'],
  ['resourceNames namespace scope', (d) => scope(d, nsB), 'abstain'],
  ['resourceNames pod-1', (d) => target(d, nsB, 'pod-1'), 'allow'],
  ['resourceNames pod-2', (d) => target(d, nsB, 'pod-2'), 'deny'],
  ['all namespaces', (d) => scope(d), 'abstain'],
  ['another subject in the granted namespace', () => target({ user: 'alice', groups: ['devs'] }, nsA, 'pod-1'), 'deny'],
];

async function daveAuthorizer(): Promise<{ authorizer: Authorizer; dave: Subject }> {
  return { authorizer: (await plugin('dave')).authorizers[0]!, dave: await selfSubject('dave') };
}

describeAuthorizer('kube-self.self-access-review', async () => {
  const { authorizer, dave } = await daveAuthorizer();
  return { authorizer, cases: matrix.map(([name, request, expected]) => ({ name, request: request(dave), expected })) };
});

describeAuthenticator('kube-self.local-token', async () => ({
  authenticator: (await plugin('dave')).authenticators[0]!,
  valid: { token: LOCAL_TOKEN, user: 'dave' },
  invalidTokens: [ctx.cluster.users['dave']!.token, ctx.cluster.adminToken],
}));

describe('kube-self with dave’s kubeconfig', () => {
  it.each(matrix)('%s → %s', async (_name, request, expected) => {
    const { authorizer, dave } = await daveAuthorizer();
    expect((await authorizer.authorize(request(dave), call())).result).toBe(expected);
  });

  it('names the pod in a deny and refuses to lend dave’s rights to another subject', async () => {
    const { authorizer, dave } = await daveAuthorizer();
    expect(await authorizer.authorize(target(dave, nsB, 'pod-2'), call())).toEqual({
      result: 'deny',
      reason: `the kubeconfig user may not get pods/log of ${nsB}/pod-2`,
    });
    expect(await authorizer.authorize(target({ user: 'alice', groups: [] }, nsA, 'pod-1'), call())).toEqual({
      result: 'deny',
      reason: NOT_SELF,
    });
  });

  it('allows all namespaces for a cluster-wide reader', async () => {
    const { authorizers } = await plugin('auditor');
    const auditor = await selfSubject('auditor');
    expect(await authorizers[0]!.authorize(scope(auditor), call())).toEqual({ result: 'allow' });
  });

  it('maps the local token to dave’s identity as the apiserver authenticates his token', async () => {
    const admin = await createKubeSelfApi({
      connection: { mode: 'kubeconfig', path: ctx.cluster.kubeconfigPath },
      requestTimeoutMs: 10_000,
    });
    const review = await admin.tokenReview(ctx.cluster.users['dave']!.token);
    if (!review.authenticated) throw new Error('dave’s token did not authenticate');
    expect(await selfSubject('dave')).toEqual({
      user: 'dave',
      groups: review.user.groups,
      ...(review.user.uid ? { uid: review.user.uid } : {}),
    });
    expect(review.user.groups).toContain('system:authenticated');
  });

  it('refuses dave’s own Kubernetes token and any other, with a reason that does not quote it', async () => {
    const { authenticators } = await plugin('dave');
    const token = ctx.cluster.users['dave']!.token;
    expect(await authenticators[0]!.authenticate({ token }, call())).toEqual({ ok: false, reason: NOT_LOCAL_TOKEN });
  });
});
