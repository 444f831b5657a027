// The watch-fed pod metadata cache against the real apiserver: first list, label changes, new
// and deleted pods, namespace scoping, and lookups that wait for the first list.
import type { KubePodMetadata, PodChange } from '@tailgate/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { user } from '../cluster/src/fixtures';
import { connectToTestCluster, type ClusterTestContext } from '../cluster/src/test-context';
import { gatewayKube, grantGatewayIdentity } from './src/gateway-kube';

let ctx: ClusterTestContext;
let ns: string;
let other: string;
let watched: KubePodMetadata;
let everywhere: KubePodMetadata;

/** Resolves with the first change matching `predicate`; rejects after `timeoutMs`. */
function nextChange(cache: KubePodMetadata, predicate: (change: PodChange) => boolean, timeoutMs = 5_000): Promise<PodChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no matching pod change within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = cache.onChange((change) => {
      if (!predicate(change)) return;
      clearTimeout(timer);
      stop();
      resolve(change);
    });
  });
}

beforeAll(async () => {
  ctx = await connectToTestCluster('node-kube-pods');
  await grantGatewayIdentity(ctx);
  [ns, other] = [await ctx.fixtures.namespace('pods-a'), await ctx.fixtures.namespace('pods-b')];
  await ctx.fixtures.pod(ns, 'existing', { labels: { app: 'web', 'rbac/policy': 'allow' } });
  await ctx.fixtures.pod(other, 'elsewhere', { labels: { app: 'db' } });
  watched = (await gatewayKube(ctx, { namespaces: [ns] })).podMetadata;
  everywhere = (await gatewayKube(ctx)).podMetadata;
});

afterAll(async () => {
  await watched?.stop();
  await everywhere?.stop();
  await ctx?.stop();
});

describe('KubePodMetadata', () => {
  it('answers the first lookup from the initial list, with labels, uid and node from the apiserver', async () => {
    const pod = await watched.get(ns, 'existing');
    expect(pod).toEqual({
      namespace: ns,
      name: 'existing',
      uid: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      node: 'node-kube-pods',
      labels: { app: 'web', 'rbac/policy': 'allow' },
      containers: ['app'],
    });
    expect(await watched.get(ns, 'no-such-pod')).toBeUndefined();
  });

  it('knows only the namespaces it watches, or all of them', async () => {
    expect(await watched.get(other, 'elsewhere')).toBeUndefined();
    expect((await everywhere.get(other, 'elsewhere'))?.labels).toEqual({ app: 'db' });
  });

  it('sees a label change through the watch', async () => {
    await watched.ready();
    const changed = nextChange(watched, (c) => c.type === 'upsert' && c.pod.name === 'existing' && c.pod.labels['rbac/policy'] === 'deny');
    await ctx.admin.patch(`/api/v1/namespaces/${ns}/pods/existing`, { metadata: { labels: { 'rbac/policy': 'deny' } } });
    await changed;
    expect((await watched.get(ns, 'existing'))?.labels).toEqual({ app: 'web', 'rbac/policy': 'deny' });
  });

  it('sees a new pod, and forgets a deleted one', async () => {
    await Promise.all([watched.ready(), everywhere.ready()]);
    const added = nextChange(watched, (c) => c.type === 'upsert' && c.pod.name === 'fresh');
    const addedEverywhere = nextChange(everywhere, (c) => c.type === 'upsert' && c.pod.name === 'fresh');
    await ctx.fixtures.pod(ns, 'fresh', { labels: { app: 'new' } });
    await Promise.all([added, addedEverywhere]);
    expect((await watched.get(ns, 'fresh'))?.labels).toEqual({ app: 'new' });
    const deleted = nextChange(watched, (c) => c.type === 'delete' && c.name === 'fresh');
    await ctx.fixtures.deletePod(ns, 'fresh');
    await deleted;
    expect(await watched.get(ns, 'fresh')).toBeUndefined();
  });

  it('fails a lookup with upstream_unavailable when the first list does not come in time', async () => {
    const { createKubeServices } = await import('@tailgate/kube');
    const { podMetadata } = await createKubeServices({
      connection: { mode: 'explicit', server: 'https://127.0.0.1:1', token: 'gateway-secret' },
      requestTimeoutMs: 500,
      podMetadata: { namespaces: [], initialSyncTimeoutMs: 300, watchTimeoutSeconds: 300 },
    });
    await expect(podMetadata.get(ns, 'existing')).rejects.toMatchObject({ code: 'upstream_unavailable' });
    await podMetadata.stop();
  });

  it('lists again and keeps answering when the gateway may not watch at first (retry after forbidden)', async () => {
    const { podMetadata } = await gatewayKube(ctx, { as: 'dave', namespaces: [ns], initialSyncTimeoutMs: 500 });
    const failing = podMetadata.get(ns, 'existing');
    await expect(failing).rejects.toMatchObject({ code: 'upstream_unavailable' });
    await ctx.fixtures.grant(ns, 'dave-pods', [{ apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] }], [user('dave')]);
    await nextChange(podMetadata, (c) => c.type === 'synced', 15_000);
    expect((await podMetadata.get(ns, 'existing'))?.labels['app']).toBe('web');
    await podMetadata.stop();
  });
});
