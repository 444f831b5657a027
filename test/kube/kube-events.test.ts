// Kubernetes Events through the real gateway: events.k8s.io/v1 Events created on the real
// apiserver, users that are ServiceAccounts with real tokens, kube-rbac's SubjectAccessReviews,
// the source's own `list events` check (admit), and socket.io-client. Who sees which Events, live
// and in a backlog; who is refused; what a revoked `list events` does; and that nothing of a pod a
// user may not read, or of another namespace, ever reaches a client.
import { kubeEventsPlugin } from '@tailgate/plugin-kube-events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningGateway } from '../../apps/gateway/src/start-gateway';
import { serviceAccount, suffix, user } from '../cluster/src/fixtures';
import type { PolicyRule } from '../cluster/src/kube-types';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { LogClient, seesTargets } from '../e2e/support/log-client';
import { startClusterGateway } from './src/cluster-gateway';
import { grantGatewayIdentity } from './src/gateway-kube';

const id = suffix();
const SOURCE = 'kube-events.events';
const USERS = ['reader', 'limited', 'nolist', 'revoked'] as const;
type Who = (typeof USERS)[number];

let ctx: ClusterTestContext;
let gateway: RunningGateway;
let teamA = '';
let teamB = '';
let people = '';
const tokens = {} as Record<Who, string>;
const clients: LogClient[] = [];
/** Strings only Events of team-b carry (no client may receive one), and of pod `secret-1` (that `limited` may not). */
const secrets = { teamB: [] as string[], secretPod: [] as string[] };

const LIST_EVENTS: PolicyRule = { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['list'] };
const LIST_PODS: PolicyRule = { apiGroups: [''], resources: ['pods'], verbs: ['list'] };
const podLog = (names?: string[]): PolicyRule => ({
  apiGroups: [''],
  resources: ['pods/log'],
  verbs: ['get'],
  ...(names ? { resourceNames: names } : {}),
});

let clock = Date.now() - 120_000;

/** Creates an events.k8s.io/v1 Event, each a millisecond after the last (in the past, so `since` windows hold them). */
async function event(
  ns: string,
  regarding: { kind: string; name: string; apiVersion: string },
  reason: string,
  note: string,
  type = 'Normal',
) {
  clock += 1;
  const at = new Date(clock);
  await ctx.admin.create(`/apis/events.k8s.io/v1/namespaces/${ns}/events`, {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: `${regarding.name}.${(BigInt(clock) * 1_000_000n).toString(16)}` },
    eventTime: at.toISOString().replace('Z', '000Z'),
    reportingController: 'tailgate.test/harness',
    reportingInstance: 'harness-1',
    action: 'Testing',
    reason,
    type,
    note,
    regarding: { ...regarding, namespace: ns },
  });
}

const pod = (name: string) => ({ kind: 'Pod', name, apiVersion: 'v1' });
const DEPLOYMENT = { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' };

/** A string of secret-1's or team-b's Events, remembered for the leak oracle. */
function secret(of: keyof typeof secrets, label: string): string {
  const text = `${label}-${suffix(8)}`;
  secrets[of].push(text);
  return text;
}

async function connect(who: Who, mayRead: (t: { ns: string; pod: string }) => boolean): Promise<LogClient> {
  const secretsOf = () => (who === 'reader' || who === 'revoked' ? secrets.teamB : [...secrets.teamB, ...secrets.secretPod]);
  const client = await LogClient.connect(gateway.url, { token: tokens[who], sees: seesTargets(mayRead, secretsOf) });
  clients.push(client);
  return client;
}

const inTeamA = (t: { ns: string }) => t.ns === teamA;

beforeAll(async () => {
  ctx = await connectToTestCluster(`tg-kev-${id}`);
  await grantGatewayIdentity(ctx);
  // The gateway's own rights: exactly what the plugin declares.
  await ctx.fixtures.clusterRole(`tg-kev-gw-${id}`, [...(kubeEventsPlugin.rbac ?? [])]);
  await ctx.fixtures.clusterRoleBinding(`tg-kev-gw-${id}`, `tg-kev-gw-${id}`, [user('tailgate-gateway')]);
  [teamA, teamB, people] = await Promise.all([
    ctx.fixtures.namespace('tg-kev-a'),
    ctx.fixtures.namespace('tg-kev-b'),
    ctx.fixtures.namespace('tg-kev-u'),
  ]);
  await Promise.all(USERS.map((who) => ctx.fixtures.createServiceAccount(people, who)));
  const sa = (who: Who) => [serviceAccount(people, who)];
  await Promise.all([
    ctx.fixtures.grant(teamA, 'reader', [LIST_EVENTS, podLog()], sa('reader')),
    ctx.fixtures.grant(teamA, 'limited', [LIST_EVENTS, LIST_PODS, podLog(['web-1'])], sa('limited')),
    ctx.fixtures.grant(teamA, 'nolist', [LIST_PODS, podLog()], sa('nolist')),
    ctx.fixtures.grant(teamA, 'revoked-logs', [podLog()], sa('revoked')),
    ctx.fixtures.grant(teamA, 'revoked-events', [LIST_EVENTS], sa('revoked')),
  ]);
  for (const who of USERS) tokens[who] = await ctx.fixtures.serviceAccountToken(people, who);
  await untilAllowed(`system:serviceaccount:${people}:revoked`, teamA);
  await untilAllowed(`system:serviceaccount:${people}:limited`, teamA);
  await untilAllowed(`system:serviceaccount:${people}:reader`, teamA);
  await untilAllowed('tailgate-gateway', teamA, 'watch');
  gateway = await startClusterGateway(ctx, { plugins: { 'kube-events': { retryDelayMs: 50 } }, access: { recheckIntervalMs: 60_000 } });
});

afterAll(async () => {
  for (const client of clients) client.socket.close();
  await gateway?.close();
  await ctx?.stop();
});

/** RBAC takes bindings from informers: no event says one is in effect, so ask until it is. */
async function untilAllowed(who: string, namespace: string, verb = 'list'): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const review = await ctx.admin.create<{ status: { allowed: boolean } }>('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: who, resourceAttributes: { namespace, verb, group: 'events.k8s.io', resource: 'events' } },
    });
    if (review.status.allowed) return;
    if (attempt > 100) throw new Error(`${who} never got ${verb} events in ${namespace}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('kube-events through the gateway', () => {
  it("gives a user with list events and pod logs team-a's pod and Deployment Events, in the backlog and live, and never team-b's", async () => {
    await event(teamA, pod('web-1'), 'Scheduled', 'Successfully assigned to node');
    await event(teamA, DEPLOYMENT, 'ScalingReplicaSet', 'Scaled up replica set web-abc to 1');
    await event(teamB, pod('web-1'), 'Scheduled', secret('teamB', 'team-b before'));
    const reader = await connect('reader', inTeamA);
    const ack = await reader.subscribe({ source: SOURCE, selector: { namespaces: [teamA] }, tail: 10 });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    if (!ack.ok) return;
    expect(ack.scope).toEqual([{ ns: teamA }]);
    await reader.waitFor(() => reader.records.length === 2, 'the backlog');
    expect(reader.records.map((r) => [r.pod, r.container, r.stream, r.line])).toEqual([
      ['web-1', 'Events', 'stdout', 'Normal Scheduled pod/web-1 Successfully assigned to node'],
      ['deployment.apps:web', 'Events', 'stdout', 'Normal ScalingReplicaSet deployment/web Scaled up replica set web-abc to 1'],
    ]);
    await event(teamB, DEPLOYMENT, 'ScalingReplicaSet', secret('teamB', 'team-b live'));
    await event(teamA, pod('web-1'), 'BackOff', 'Back-off restarting failed container app', 'Warning');
    await event(teamA, DEPLOYMENT, 'ScalingReplicaSet', 'Scaled up replica set web-abc to 2');
    await reader.waitFor(() => reader.records.length === 4, 'the live Events');
    expect(reader.records.slice(2).map((r) => [r.pod, r.stream, r.line])).toEqual([
      ['web-1', 'stderr', 'Warning BackOff pod/web-1 Back-off restarting failed container app'],
      ['deployment.apps:web', 'stdout', 'Normal ScalingReplicaSet deployment/web Scaled up replica set web-abc to 2'],
    ]);
    expect(reader.denied).toEqual([]);
    expect(reader.records.every((r) => r.ns === teamA)).toBe(true);

    // Resuming from the first record's cursor gives what followed it, once, from the apiserver.
    const back = await connect('reader', inTeamA);
    const first = reader.records[0]!;
    const resumed = await back.subscribe({
      source: SOURCE,
      selector: { namespaces: [teamA], object: { kind: 'Pod', name: 'web-1' } },
      resume: { [`${first.ns}/${first.pod}/${first.container}`]: first.cursor },
      follow: false,
    });
    expect(resumed.ok, JSON.stringify(resumed)).toBe(true);
    await back.waitFor(() => back.ended.length === 1, 'the end of the resumed backlog');
    expect(back.lines()).toEqual(['Warning BackOff pod/web-1 Back-off restarting failed container app']);
  });

  it('refuses a user without list events, and one who asks for a namespace where they lack it', async () => {
    const nolist = await connect('nolist', () => false);
    const refused = await nolist.subscribe({ source: SOURCE, selector: { namespaces: [teamA] } });
    expect(refused).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'not allowed to read the logs this subscription asks for' },
    });
    const reader = await connect('reader', inTeamA);
    const both = await reader.subscribe({ source: SOURCE, selector: { namespaces: [teamA, teamB] } });
    expect(both).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it("tells a user with list events but without the pod's logs that the pod is denied, and nothing of its Events", async () => {
    const mayRead = (t: { ns: string; pod: string }) => t.ns === teamA && t.pod !== 'secret-1';
    await event(teamA, pod('secret-1'), 'Pulled', secret('secretPod', 'secret backlog'), 'Normal');
    const limited = await connect('limited', mayRead);
    const ack = await limited.subscribe({ source: SOURCE, selector: { namespaces: [teamA] }, since: '10m' });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    if (!ack.ok) return;
    await event(teamA, pod('secret-1'), secret('secretPod', 'SecretReason'), secret('secretPod', 'secret live'), 'Warning');
    // A Deployment named like the denied pod is judged as the namespace's Events, never as that pod.
    await event(teamA, { ...DEPLOYMENT, name: 'secret-1' }, 'ScalingReplicaSet', 'Scaled up replica set secret-1-abc to 1');
    await event(teamA, pod('web-1'), 'Started', 'Started container app');
    await limited.waitFor(() => limited.lines().includes('Normal Started pod/web-1 Started container app'), 'the live web-1 Event');
    expect(limited.denied).toEqual([{ sub: ack.id, target: { ns: teamA, pod: 'secret-1', container: 'Events' }, reason: 'forbidden' }]);
    expect(limited.records.some((r) => r.pod === 'secret-1')).toBe(false);
    expect(limited.records.some((r) => r.pod === 'deployment.apps:web')).toBe(true);
    expect(limited.lines()).toContain('Normal ScalingReplicaSet deployment/secret-1 Scaled up replica set secret-1-abc to 1');
    expect(limited.violations).toEqual([]);
  });

  // The periodic re-check is a minute away: only the RBAC watch can end it within the wait.
  it('ends the stream with access_revoked once list events is revoked', async () => {
    const revoked = await connect('revoked', inTeamA);
    const ack = await revoked.subscribe({ source: SOURCE, selector: { namespaces: [teamA] } });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    await event(teamA, DEPLOYMENT, 'ScalingReplicaSet', 'before the revocation');
    await revoked.waitFor(() => revoked.lines().some((line) => line.endsWith('before the revocation')), 'a live Event');
    await ctx.admin.delete(`/apis/rbac.authorization.k8s.io/v1/namespaces/${teamA}/rolebindings/revoked-events`);
    await revoked.waitFor(() => revoked.ended.some((e) => e.reason === 'access_revoked'), 'access_revoked', 5_000);
    const again = await revoked.subscribe({ source: SOURCE, selector: { namespaces: [teamA] } });
    expect(again).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('sent nothing any client may not see', () => {
    for (const client of clients) expect(client.violations).toEqual([]);
  });
});
