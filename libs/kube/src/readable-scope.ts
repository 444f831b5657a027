// Which namespaces and pods the caller's own credentials may read logs of, found without ever
// needing cluster-wide rights (Kubetail's "Forbidden at the cluster scope" for namespace-only
// users): a cluster-wide grant is asked about, never assumed, and each step falls back to the
// next. Desktop mode runs it with the user's kubeconfig.
import { podLogAttributes } from './log-access-review';
import type { KubeApi, KubeCallOptions, ResourceAttributes } from './kube-api';
import type { KubeSelfApi } from './kube-self-api';
import { isNothing, type ReadablePods, readablePodsFromRules } from './log-read-rules';

export type ReadableScopeApi = Pick<KubeApi, 'selfSubjectAccessReview' | 'selfSubjectRulesReview'> & Pick<KubeSelfApi, 'listNamespaces'>;

export interface ReadableNamespace {
  readonly name: string;
  readonly pods: ReadablePods;
}

export interface ReadableScope {
  /** `get pods/log` and `list pods` cluster-wide: every namespace, `namespaces` then empty. */
  readonly allNamespaces: boolean;
  /** Sorted by name; namespaces where nothing is readable are left out. */
  readonly namespaces: readonly ReadableNamespace[];
}

export interface DiscoverReadableScopeOptions {
  /**
   * Namespaces to look into even when namespaces cannot be listed (the kubeconfig context's
   * namespace, a configured list). Only these get a SelfSubjectRulesReview, which finds grants
   * narrowed by `resourceNames`; listed namespaces get one namespace-wide SelfSubjectAccessReview.
   */
  readonly candidates?: readonly string[];
  /** Reviews in flight at once. Default 8. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

const LIST_PODS: ResourceAttributes = { verb: 'list', group: '', version: 'v1', resource: 'pods' };
const LIST_NAMESPACES: ResourceAttributes = { verb: 'list', group: '', version: 'v1', resource: 'namespaces' };

export async function discoverReadableScope(api: ReadableScopeApi, options: DiscoverReadableScopeOptions = {}): Promise<ReadableScope> {
  const call: KubeCallOptions = options.signal ? { signal: options.signal } : {};
  const [logs, pods] = await Promise.all([
    api.selfSubjectAccessReview(podLogAttributes(), call),
    api.selfSubjectAccessReview(LIST_PODS, call),
  ]);
  if (logs.allowed && pods.allowed) return { allNamespaces: true, namespaces: [] };
  const candidates = new Set(options.candidates?.filter((name) => name !== ''));
  const names = [...new Set([...(await listedNamespaces(api, call)), ...candidates])].sort();
  const readable = await mapConcurrently(names, options.concurrency ?? 8, async (name) => ({
    name,
    pods: candidates.has(name) ? await readableByRules(api, name, call) : await readableByReview(api, name, call),
  }));
  return { allNamespaces: false, namespaces: readable.filter((ns) => !isNothing(ns.pods)) };
}

/** Every namespace when the caller may list them; none otherwise. */
async function listedNamespaces(api: ReadableScopeApi, call: KubeCallOptions): Promise<string[]> {
  if (!(await api.selfSubjectAccessReview(LIST_NAMESPACES, call)).allowed) return [];
  try {
    return await api.listNamespaces(call);
  } catch (error) {
    // Allowed by review yet refused (an authorizer that answers the two differently): not listable.
    if ((error as { code?: unknown } | null)?.code === 'forbidden') return [];
    throw error;
  }
}

async function readableByReview(api: ReadableScopeApi, namespace: string, call: KubeCallOptions): Promise<ReadablePods> {
  return (await api.selfSubjectAccessReview(podLogAttributes(namespace), call)).allowed ? '*' : [];
}

/** Rules find single-pod grants; an incomplete list (a webhook authorizer) is backed by a review. */
async function readableByRules(api: ReadableScopeApi, namespace: string, call: KubeCallOptions): Promise<ReadablePods> {
  const rules = await api.selfSubjectRulesReview(namespace, call);
  const pods = readablePodsFromRules(rules.resourceRules);
  if (pods === '*' || !rules.incomplete) return pods;
  return (await readableByReview(api, namespace, call)) === '*' ? '*' : pods;
}

async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
