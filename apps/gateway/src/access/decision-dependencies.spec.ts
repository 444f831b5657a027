import type { AccessRequest } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { dependenciesOf, invalidatedBy, touchedBy } from './decision-dependencies';

const alice = { user: 'alice', groups: [] };
const viewer = { user: 'system:serviceaccount:a:viewer', groups: [], uid: 'u1' };
const target = (namespace: string, pod: string): AccessRequest => ({
  kind: 'target',
  subject: alice,
  action: 'logs.read',
  target: { namespace, pod },
});

describe('decision dependencies', () => {
  it('makes a pod decision depend on its namespace and pod, a scope on its namespace, cluster-wide ones on nothing narrower', () => {
    const [ns, pod] = dependenciesOf(target('a', 'web'));
    expect(invalidatedBy({ kind: 'namespace', namespace: 'a' })).toEqual([ns]);
    expect(invalidatedBy({ kind: 'pod', namespace: 'a', pod: 'web' })).toEqual([pod]);
    expect(dependenciesOf({ kind: 'scope', subject: alice, action: 'logs.read', scope: { namespace: 'a', pod: 'web' } })).toEqual([ns]);
    expect(dependenciesOf({ kind: 'scope', subject: alice, action: 'logs.read', scope: {} })).toEqual([]);
    expect(dependenciesOf({ kind: 'target', subject: alice, action: 'logs.read', target: { node: 'n1' } })).toEqual([]);
    expect(invalidatedBy({ kind: 'cluster' })).toBe('all');
    expect(invalidatedBy({ kind: 'identity-deleted', user: viewer.user, uid: 'u1' })).toEqual([]);
  });

  it("picks the live listeners' targets a batch of changes touches", () => {
    const touched = touchedBy([
      { kind: 'namespace', namespace: 'a' },
      { kind: 'pod', namespace: 'b', pod: 'web' },
      { kind: 'identity-deleted', user: viewer.user, uid: 'u1' },
    ]);
    expect(touched(alice, { namespace: 'a', pod: 'any' })).toBe(true);
    expect(touched(alice, { namespace: 'b', pod: 'web' })).toBe(true);
    expect(touched(alice, { namespace: 'b', pod: 'api' })).toBe(false);
    expect(touched(alice, { node: 'n1' })).toBe(false);
    expect(touched(viewer, { node: 'n1' })).toBe(true);
    expect(touched({ ...viewer, uid: 'u2' }, { namespace: 'c', pod: 'x' })).toBe(false);
    expect(touchedBy([{ kind: 'cluster' }])(alice, { node: 'n1' })).toBe(true);
  });
});
