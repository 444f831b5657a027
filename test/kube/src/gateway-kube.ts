// The gateway's own connection to the test cluster: the static user `tailgate-gateway`, given
// exactly what the kube plugins declare (reviews, RBAC watches) plus pod list/watch for the metadata cache.
import { ACCESS_WATCH_RULES, createKubeServices, type KubeApi, type KubeServices, type SubjectAccessReviewSpec } from '@tailgate/kube';

import { suffix, user } from '../../cluster/src/fixtures';
import type { ClusterTestContext } from '../../cluster/src/test-context';

export interface GatewayKubeOptions {
  readonly namespaces?: readonly string[];
  /** Which static user the gateway runs as; default `tailgate-gateway`. */
  readonly as?: string;
  /** How long a pod lookup waits for the first list; default 10 s. */
  readonly initialSyncTimeoutMs?: number;
}

/**
 * Grants `tailgate-gateway` token/access reviews, pod list/watch and the RBAC and ServiceAccount
 * watches kube-rbac declares, cluster-wide (once per file).
 */
export async function grantGatewayIdentity(ctx: ClusterTestContext): Promise<void> {
  const id = suffix();
  await ctx.fixtures.clusterRoleBinding(`tg-kube-delegator-${id}`, 'system:auth-delegator', [user('tailgate-gateway')]);
  await ctx.fixtures.clusterRole(`tg-kube-pods-${id}`, [
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ...ACCESS_WATCH_RULES,
  ]);
  await ctx.fixtures.clusterRoleBinding(`tg-kube-pods-${id}`, `tg-kube-pods-${id}`, [user('tailgate-gateway')]);
}

/** What the kube-pod-logs plugin declares: pods, pods/log and the workloads it resolves (once per file). */
export async function grantPodLogsSource(ctx: ClusterTestContext, as = 'tailgate-gateway'): Promise<void> {
  const id = suffix();
  await ctx.fixtures.clusterRole(`tg-pod-logs-${id}`, [
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: ['get'] },
    { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['get'] },
  ]);
  await ctx.fixtures.clusterRoleBinding(`tg-pod-logs-${id}`, `tg-pod-logs-${id}`, [user(as)]);
}

export function gatewayKube(ctx: ClusterTestContext, opts: GatewayKubeOptions = {}): Promise<KubeServices> {
  const token = ctx.cluster.users[opts.as ?? 'tailgate-gateway']?.token;
  if (token === undefined) throw new Error('no such static user');
  return createKubeServices({
    connection: { mode: 'explicit', server: ctx.cluster.server, ca: ctx.cluster.ca, token },
    requestTimeoutMs: 10_000,
    podMetadata: {
      namespaces: [...(opts.namespaces ?? [])],
      initialSyncTimeoutMs: opts.initialSyncTimeoutMs ?? 10_000,
      watchTimeoutSeconds: 300,
    },
  });
}

export interface CountingKubeApi extends KubeApi {
  readonly accessReviews: SubjectAccessReviewSpec[];
  readonly tokenReviews: number;
}

/**
 * Counts calls at the KubeApi seam. Each HttpKubeApi call is exactly one POST, so this counts
 * apiserver reviews without intercepting TLS (a counting proxy would have to terminate it).
 */
export function countingKubeApi(inner: KubeApi): CountingKubeApi {
  const counter = {
    accessReviews: [] as SubjectAccessReviewSpec[],
    tokenReviews: 0,
    tokenReview: (...args: Parameters<KubeApi['tokenReview']>) => {
      counter.tokenReviews++;
      return inner.tokenReview(...args);
    },
    subjectAccessReview: (spec: SubjectAccessReviewSpec, opts?: Parameters<KubeApi['subjectAccessReview']>[1]) => {
      counter.accessReviews.push(spec);
      return inner.subjectAccessReview(spec, opts);
    },
    selfSubjectAccessReview: (...args: Parameters<KubeApi['selfSubjectAccessReview']>) => inner.selfSubjectAccessReview(...args),
    selfSubjectRulesReview: (...args: Parameters<KubeApi['selfSubjectRulesReview']>) => inner.selfSubjectRulesReview(...args),
  };
  return counter;
}
