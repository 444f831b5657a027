// The check a deployed gateway must pass: a user RBAC lets read a pod's logs gets its lines (from
// the kubelet stand-in, through the apiserver), a user with no grant gets none. Both are real
// socket.io clients; the one without a grant fails the test on any record it is sent.
import { expect } from 'vitest';

import { suffix, user } from '../../cluster/src/fixtures';
import type { ClusterTestContext } from '../../cluster/src/test-context';
import { LogClient, SEES_EVERYTHING, seesTargets } from '../../e2e/support/log-client';

export interface PodLogsSeen {
  /** What carol (granted pods/log in the namespace) received. */
  readonly granted: readonly string[];
  /** What dave (no grant) received, and how many pods he was told exist without being named. */
  readonly ungranted: { readonly lines: readonly string[]; readonly hiddenPods: number; readonly denied: number };
}

/** Creates a namespace with pod `web`, grants carol pods/log there, and streams it through `gatewayUrl`. */
export async function servePodLogsThrough(ctx: ClusterTestContext, gatewayUrl: string): Promise<PodLogsSeen> {
  const ns = await ctx.fixtures.namespace('tg-deployed');
  await ctx.fixtures.pod(ns, 'web');
  await ctx.fixtures.grant(ns, 'carol-reads', [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }], [user('carol')]);
  const carol = await LogClient.connect(gatewayUrl, { token: ctx.cluster.users['carol']!.token, sees: SEES_EVERYTHING });
  const dave = await LogClient.connect(gatewayUrl, { token: ctx.cluster.users['dave']!.token, sees: seesTargets(() => false) });
  try {
    const request = { source: 'kube-pod-logs.pods', selector: { namespaces: [ns] } };
    const [carolAck, daveAck] = [await carol.subscribe(request), await dave.subscribe(request)];
    expect(carolAck.ok, JSON.stringify(carolAck)).toBe(true);
    expect(daveAck.ok, JSON.stringify(daveAck)).toBe(true);
    await carol.waitFor(() => carol.targets.length === 1, 'carol: the target');
    await dave.waitFor(() => dave.hidden.length + dave.denied.length > 0, 'dave: told of no pod he may read');
    // The target is announced from the pod watch; the pods/log follow opens a moment later, and a
    // follow reads from when it opens: write once the stand-in kubelet holds it (carol's and dave's
    // share one upstream).
    const container = ctx.kubelet.container(ns, 'web', 'app');
    await expect.poll(() => container.current.followers, { timeout: 10_000 }).toBeGreaterThan(0);
    const line = `served by the deployed gateway ${suffix()}`;
    container.write(line);
    await carol.waitFor(() => carol.lines().includes(line), 'carol: the line', 10_000);
    // A second line after it: dave's stream has passed the first line by the time carol has this one.
    container.write('sentinel');
    await carol.waitFor(() => carol.lines().includes('sentinel'), 'carol: the sentinel', 10_000);
    expect(dave.violations).toEqual([]);
    return {
      granted: carol.lines(),
      ungranted: { lines: dave.lines(), hiddenPods: dave.hidden.reduce((n, h) => n + h.count, 0), denied: dave.denied.length },
    };
  } finally {
    carol.close();
    dave.close();
  }
}
