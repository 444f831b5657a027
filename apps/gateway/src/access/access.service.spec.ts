import { parseConfig } from '@tailgate/config';
import { PluginRegistry } from '@tailgate/plugin-host';
import {
  abstain,
  type AccessRequest,
  allow,
  type Authorizer,
  deny,
  nodeLogTarget,
  objectEventsTarget,
  podEventsTarget,
  silentLogger,
} from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { GatewayMetrics } from '../metrics/gateway-metrics';
import { AccessService, accessTargetOf, AUTHORIZER_ERROR } from './access.service';

const subject = { user: 'alice', groups: ['devs'] };

function service(authorizer: Authorizer, access: Record<string, unknown> = {}, now: () => number = Date.now) {
  const registry = new PluginRegistry();
  registry.authorizers.set('t.gate', authorizer);
  const parsed = parseConfig({ access: { chain: ['t.gate'], ...access } });
  if (!parsed.ok) throw new Error(parsed.problems.join());
  return new AccessService(registry, parsed.config.access, new GatewayMetrics(), silentLogger, now);
}

function counting(answer: (request: AccessRequest) => ReturnType<Authorizer['authorize']>) {
  const seen: AccessRequest[] = [];
  return { seen, authorizer: { name: 'gate', authorize: (request: AccessRequest) => (seen.push(request), answer(request)) } };
}

describe('AccessService', () => {
  it('decides once per pod for all its containers, never showing authorizers the container', async () => {
    const { seen, authorizer } = counting(() => allow());
    const access = service(authorizer);
    await access.decideTarget(subject, { namespace: 'n', pod: 'p', container: 'app' });
    await access.decideTarget(subject, { namespace: 'n', pod: 'p', container: 'sidecar' });
    await access.decideTarget({ ...subject, groups: ['devs'] }, { namespace: 'n', pod: 'p', container: 'app' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({ kind: 'target', subject, action: 'logs.read', target: { namespace: 'n', pod: 'p' } });
  });

  it('tells whether the subject may learn target names, asking about the namespace (or nodes) once, default deny', async () => {
    const { seen, authorizer } = counting((request) =>
      request.action !== 'targets.list' ? deny('no') : request.kind === 'scope' && request.scope.namespace === 'mine' ? allow() : abstain(),
    );
    const metrics = new GatewayMetrics();
    const registry = new PluginRegistry();
    registry.authorizers.set('t.gate', authorizer);
    const parsed = parseConfig({ access: { chain: ['t.gate'] } });
    if (!parsed.ok) throw new Error(parsed.problems.join());
    const access = new AccessService(registry, parsed.config.access, metrics, silentLogger);
    expect(await access.mayListTargets(subject, { namespace: 'mine', pod: 'a', container: 'c' })).toBe(true);
    expect(await access.mayListTargets(subject, { namespace: 'mine', pod: 'b', container: 'c' })).toBe(true);
    // Every authorizer abstains: default deny, so the name stays hidden.
    expect(await access.mayListTargets(subject, { namespace: 'theirs', pod: 'a', container: 'c' })).toBe(false);
    expect(await access.mayListTargets(subject, nodeLogTarget('n1', 'kubelet'))).toBe(false);
    expect(seen.map((r) => (r.kind === 'scope' ? r.scope : undefined))).toEqual([
      { namespace: 'mine' },
      { namespace: 'theirs' },
      { resource: 'nodes/log' },
    ]);
    const counted = (await metrics.registry.getSingleMetric('tailgate_access_decisions_total')?.get())?.values ?? [];
    expect(counted.filter((v) => v.labels.kind === 'names').reduce((sum, v) => sum + v.value, 0)).toBe(3);
  });

  it('asks again for a fresh decision and for another subject', async () => {
    const { seen, authorizer } = counting(() => allow());
    const access = service(authorizer);
    await access.decideTarget(subject, { namespace: 'n', pod: 'p', container: 'c' });
    await access.decideTarget(subject, { namespace: 'n', pod: 'p', container: 'c' }, true);
    await access.decideTarget({ user: 'bob', groups: [] }, { namespace: 'n', pod: 'p', container: 'c' });
    expect(seen).toHaveLength(3);
  });

  it('denies when an authorizer throws or is too slow, and does not keep that answer', async () => {
    let fail = true;
    const { seen, authorizer } = counting(() => {
      if (fail) throw new Error('apiserver down');
      return deny('no');
    });
    const access = service(authorizer);
    expect(await access.decideScope(subject, { namespace: 'n' })).toEqual({
      result: 'deny',
      reason: AUTHORIZER_ERROR,
      decidedBy: ['t.gate'],
    });
    fail = false;
    expect(await access.decideScope(subject, { namespace: 'n' })).toEqual({ result: 'deny', reason: 'no', decidedBy: ['t.gate'] });
    expect(seen).toHaveLength(2);

    const slow = service({ name: 'gate', authorize: () => new Promise(() => undefined) }, { authorizeTimeoutMs: 20 });
    expect((await slow.decideScope(subject, {})).result).toBe('deny');
  });

  it("asks about a namespace's Events, never a pod, for the Events of another object, and about the pod for a pod's Events", async () => {
    const { seen, authorizer } = counting(() => allow());
    const access = service(authorizer);
    await access.decideTarget(subject, objectEventsTarget('team-a', { kind: 'Deployment', group: 'apps', name: 'web' }));
    await access.decideTarget(subject, objectEventsTarget('team-a', { kind: 'Node', name: 'web' }));
    await access.decideTarget(subject, podEventsTarget('team-a', 'web'));
    expect(await access.mayListTargets(subject, objectEventsTarget('team-a', { kind: 'Service', name: 'web' }))).toBe(true);
    expect(seen.map(({ kind, action, ...rest }) => [kind, action, 'scope' in rest ? rest.scope : rest.target])).toEqual([
      ['scope', 'logs.read', { resource: 'events', namespace: 'team-a' }],
      ['target', 'logs.read', { namespace: 'team-a', pod: 'web' }],
      ['scope', 'targets.list', { resource: 'events', namespace: 'team-a' }],
    ]);
  });

  it("asks about the node, never a pod, for a node's own logs, once per node", async () => {
    const { seen, authorizer } = counting(() => allow());
    const access = service(authorizer);
    await access.decideTarget(subject, nodeLogTarget('node-a', 'kubelet'));
    await access.decideTarget(subject, nodeLogTarget('node-a', 'containerd'));
    await access.decideTarget(subject, nodeLogTarget('node-b', 'kubelet'));
    expect(seen.map((request) => (request.kind === 'target' ? request.target : undefined))).toEqual([
      { node: 'node-a' },
      { node: 'node-b' },
    ]);
  });
});

describe('AccessService and revocation', () => {
  const pod = (namespace: string, name: string) => ({ namespace, pod: name, container: 'c' });

  it('never admits a listener or target on a decision older than the re-check interval, allow or deny', async () => {
    let now = 0;
    let answer = allow();
    const { seen, authorizer } = counting(() => answer);
    const access = service(authorizer, { decisionTtlMs: 30_000, recheckIntervalMs: 1_000 }, () => now);
    expect((await access.decideTarget(subject, pod('n', 'p'))).result).toBe('allow');
    expect((await access.decideScope(subject, { namespace: 'n' })).result).toBe('allow');
    answer = deny('revoked');
    now = 999;
    expect((await access.decideTarget(subject, pod('n', 'p'))).result).toBe('allow');
    now = 1_000;
    expect((await access.decideTarget(subject, pod('n', 'p'))).result).toBe('deny');
    expect((await access.decideScope(subject, { namespace: 'n' })).result).toBe('deny');
    answer = allow();
    now = 2_000;
    expect((await access.decideTarget(subject, pod('n', 'p'))).result).toBe('allow');
    expect(seen).toHaveLength(5);
  });

  it('asks again after a change in the namespace, the pod or the cluster, and not after unrelated ones', async () => {
    const { seen, authorizer } = counting(() => allow());
    const access = service(authorizer);
    const ask = async () => {
      await access.decideTarget(subject, pod('n', 'p'));
      await access.decideScope(subject, { namespace: 'n' });
      await access.decideTarget(subject, nodeLogTarget('node-a', 'kubelet'));
    };
    await ask();
    expect(seen).toHaveLength(3);
    access.forget({ kind: 'namespace', namespace: 'other' });
    access.forget({ kind: 'pod', namespace: 'n', pod: 'other' });
    await ask();
    expect(seen).toHaveLength(3);
    access.forget({ kind: 'pod', namespace: 'n', pod: 'p' });
    await ask();
    expect(seen).toHaveLength(4);
    access.forget({ kind: 'namespace', namespace: 'n' });
    await ask();
    expect(seen).toHaveLength(6);
    access.forget({ kind: 'cluster' });
    await ask();
    expect(seen).toHaveLength(9);
  });

  it("refuses a deleted ServiceAccount's tokens at once, and not a new account of the same name", async () => {
    const access = service({ name: 'gate', authorize: () => allow() });
    const user = 'system:serviceaccount:n:viewer';
    await access.decideTarget({ user, groups: [], uid: 'old' }, pod('n', 'p'));
    access.forget({ kind: 'identity-deleted', user, uid: 'old' });
    expect(await access.decideTarget({ user, groups: [], uid: 'old' }, pod('n', 'p'))).toMatchObject({ result: 'deny' });
    expect(await access.decideScope({ user, groups: [] }, {})).toMatchObject({ result: 'deny' });
    expect(await access.decideTarget({ user, groups: [], uid: 'new' }, pod('n', 'p'))).toMatchObject({ result: 'allow' });
    expect(await access.decideTarget(subject, pod('n', 'p'))).toMatchObject({ result: 'allow' });
  });
});

describe('accessTargetOf', () => {
  it('maps node log targets to node targets and everything else to pod targets', () => {
    expect(accessTargetOf(nodeLogTarget('node-a', 'pods/audit.log'))).toEqual({ node: 'node-a' });
    expect(accessTargetOf({ namespace: 'ns', pod: 'web', container: 'app', node: 'node-a' })).toEqual({ namespace: 'ns', pod: 'web' });
    // Without a node it is no node log target: never judged as "every node".
    expect(accessTargetOf({ namespace: '', pod: '', container: 'kubelet' })).toEqual({ namespace: '', pod: '' });
  });
});
