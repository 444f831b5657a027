import { silentLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import type { AccessChange } from './access-change';
import { AccessObjectsWatch } from './access-objects-watch';
import { errorForStatus } from './kube-errors';
import type { ListWatchTransport } from './list-watch';

const object = (name: string, rv: string, namespace?: string, uid?: string) => ({
  metadata: { name, resourceVersion: rv, ...(namespace === undefined ? {} : { namespace }), ...(uid === undefined ? {} : { uid }) },
});
const list = (rv: string, items: unknown[]) => ({ metadata: { resourceVersion: rv }, items });

/**
 * Per collection path: lists in call order (each after `before(path)`), then watches (event
 * arrays or errors); a last watch stays open.
 */
function scripted(
  script: Record<string, { lists: unknown[]; watches: (unknown[] | Error)[] }>,
  before: (path: string) => Promise<void> = () => Promise.resolve(),
): ListWatchTransport {
  const of = (path: string) => {
    const entry = script[path.split('?')[0] ?? path];
    if (!entry) throw new Error(`unexpected ${path}`);
    return entry;
  };
  return {
    json: (_method: string, path: string, schema: { parse(v: unknown): unknown }) =>
      before(path).then(() => schema.parse(of(path).lists.shift())) as never,
    async *watch(path: string, signal: AbortSignal) {
      const next = of(path).watches.shift();
      if (next instanceof Error) throw next;
      yield* next ?? [];
      if (next !== undefined && of(path).watches.length > 0) return;
      if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      throw new Error('aborted');
    },
  };
}

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const empty = () => ({ lists: [list('1', [])], watches: [] });

async function changesOf(transport: ListWatchTransport, count: number): Promise<AccessChange[]> {
  const watch = new AccessObjectsWatch(transport, { retryDelayMs: 1, logger: silentLogger });
  const changes: AccessChange[] = [];
  const enough = new Promise<void>((resolve) => watch.onChange((change) => changes.push(change) === count && resolve()));
  watch.start();
  await enough;
  await watch.stop();
  return changes;
}

describe('AccessObjectsWatch', () => {
  it('reports Role and RoleBinding changes by namespace, cluster-wide ones and re-lists as the whole cluster', async () => {
    const transport = scripted({
      [`${RBAC}/clusterroles`]: empty(),
      [`${RBAC}/clusterrolebindings`]: {
        lists: [list('1', [])],
        watches: [[{ type: 'DELETED', object: object('readers', '2') }]],
      },
      [`${RBAC}/roles`]: { lists: [list('1', [])], watches: [[{ type: 'MODIFIED', object: object('reader', '3', 'team-b') }]] },
      [`${RBAC}/rolebindings`]: {
        lists: [list('1', []), list('9', [])],
        watches: [[{ type: 'ADDED', object: object('carol', '4', 'team-a') }], errorForStatus(410, 'watch')],
      },
      '/api/v1/serviceaccounts': empty(),
    });
    const changes = await changesOf(transport, 4);
    const counted = (kind: string) => changes.filter((c) => JSON.stringify(c) === kind).length;
    // The ClusterRoleBinding and the RoleBindings' re-list after 410 Gone; the first lists are no change.
    expect(counted('{"kind":"cluster"}')).toBe(2);
    expect(changes).toContainEqual({ kind: 'namespace', namespace: 'team-a' });
    expect(changes).toContainEqual({ kind: 'namespace', namespace: 'team-b' });
  });

  it('reports a deleted ServiceAccount by its user name and uid, also one a re-list no longer shows', async () => {
    const transport = scripted({
      [`${RBAC}/clusterroles`]: empty(),
      [`${RBAC}/clusterrolebindings`]: empty(),
      [`${RBAC}/roles`]: empty(),
      [`${RBAC}/rolebindings`]: empty(),
      '/api/v1/serviceaccounts': {
        lists: [list('1', [object('viewer', '1', 'team-a', 'u1'), object('builder', '1', 'team-a', 'u2')]), list('7', [])],
        watches: [[{ type: 'DELETED', object: object('viewer', '5', 'team-a', 'u1') }], errorForStatus(410, 'watch')],
      },
    });
    const changes = await changesOf(transport, 2);
    expect(changes).toEqual([
      { kind: 'identity-deleted', user: 'system:serviceaccount:team-a:viewer', uid: 'u1' },
      { kind: 'identity-deleted', user: 'system:serviceaccount:team-a:builder', uid: 'u2' },
    ]);
  });

  it('says when every kind is listed, and counts a first list that came later than that as a change', async () => {
    let answerLate!: () => void;
    const late = new Promise<void>((resolve) => (answerLate = resolve));
    const nothing = (before?: (path: string) => Promise<void>) =>
      scripted(
        {
          [`${RBAC}/clusterroles`]: empty(),
          [`${RBAC}/clusterrolebindings`]: empty(),
          [`${RBAC}/roles`]: empty(),
          [`${RBAC}/rolebindings`]: empty(),
          '/api/v1/serviceaccounts': empty(),
        },
        before,
      );
    const quick = nothing();
    const listed = new AccessObjectsWatch(quick, { logger: silentLogger });
    listed.start();
    expect(await listed.listed(5_000)).toBe(true);
    await listed.stop();

    const slow = nothing((path) => (path.startsWith(`${RBAC}/roles?`) ? late : Promise.resolve()));
    const watch = new AccessObjectsWatch(slow, { logger: silentLogger });
    const changes: AccessChange[] = [];
    const changed = new Promise<void>((resolve) => watch.onChange((change) => (changes.push(change), resolve())));
    watch.start();
    expect(await watch.listed(20)).toBe(false);
    answerLate();
    await changed;
    await watch.stop();
    expect(changes).toEqual([{ kind: 'cluster' }]);
  });
});
