import { parseConfig } from '@tailgate/config';
import { PluginRegistry } from '@tailgate/plugin-host';
import { type AccessRequest, allow, type Authorizer, deny, nodeLogTarget, silentLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { GatewayMetrics } from '../metrics/gateway-metrics';
import { AccessService, accessTargetOf, AUTHORIZER_ERROR } from './access.service';

const subject = { user: 'alice', groups: ['devs'] };

function service(authorizer: Authorizer, access: Record<string, unknown> = {}) {
  const registry = new PluginRegistry();
  registry.authorizers.set('t.gate', authorizer);
  const parsed = parseConfig({ access: { chain: ['t.gate'], ...access } });
  if (!parsed.ok) throw new Error(parsed.problems.join());
  return new AccessService(registry, parsed.config.access, new GatewayMetrics(), silentLogger);
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

describe('accessTargetOf', () => {
  it('maps node log targets to node targets and everything else to pod targets', () => {
    expect(accessTargetOf(nodeLogTarget('node-a', 'pods/audit.log'))).toEqual({ node: 'node-a' });
    expect(accessTargetOf({ namespace: 'ns', pod: 'web', container: 'app', node: 'node-a' })).toEqual({ namespace: 'ns', pod: 'web' });
    // Without a node it is no node log target: never judged as "every node".
    expect(accessTargetOf({ namespace: '', pod: '', container: 'kubelet' })).toEqual({ namespace: '', pod: '' });
  });
});
