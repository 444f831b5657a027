// GET <basePath>/api/v1/sources/<sourceId>/scope: what the signed-in user may read, for the web
// UI's namespace and pod picker. The candidates are the gateway's pod metadata (the watched
// namespaces in a cluster, the manifest in the demo); each is decided by the access chain that
// decides subscriptions, through its decision cache: a namespace is offered when the chain allows
// reading in it (or, where no authorizer decides namespaces, when a pod in it is readable), a pod
// only when the chain allows that pod. Bounded: at most MAX_SCOPE_PODS pods, a few decisions at a
// time, one answer per user at a time within a per-user rate.
import type { ReadablePod, ReadableScopeBody } from '@tailgate/contracts';
import type { AccessDecision, PluginRegistry } from '@tailgate/plugin-host';
import { isPluginError, type PluginLogger, type PodMetadata, type PodMetadataService, type Subject } from '@tailgate/plugin-sdk';

import type { AccessService } from '../access/access.service';
import type { AuthenticationService } from '../auth/authentication.service';
import { KeyedRateLimit } from '../connections/keyed-rate-limit';
import { errorName } from '../model/error-name';
import { type ApiAnswer, apiRefusal } from './api-answer';
import { bearerToken } from './bearer-token';

/** Most pods in one answer; beyond, `truncated: true`. */
export const MAX_SCOPE_PODS = 5_000;
/** Most candidate pods decided for one answer, readable or not. */
const MAX_DECIDED_PODS = 4 * MAX_SCOPE_PODS;
/** Decisions asked at once. */
const DECISION_CONCURRENCY = 16;
/** Per user: answers at once, then per minute. */
const PER_USER_RATE = { perMinute: 30, burst: 10 };
const TRACKED_USERS = 10_000;

export interface ReadableScopeParts {
  readonly authentication: Pick<AuthenticationService, 'authenticate'>;
  readonly access: Pick<AccessService, 'decideScope' | 'decideTarget'>;
  readonly registry: Pick<PluginRegistry, 'sources'>;
  /** Undefined without pod metadata (`podMetadata.kind: none`): nothing is offered. */
  readonly pods: PodMetadataService | undefined;
  readonly logger: PluginLogger;
  readonly now?: () => number;
}

export class ReadableScope {
  private readonly rate: KeyedRateLimit;
  private readonly answering = new Set<string>();

  constructor(private readonly parts: ReadableScopeParts) {
    this.rate = new KeyedRateLimit(PER_USER_RATE, TRACKED_USERS, parts.now);
  }

  async answer(authorization: string | undefined, sourceId: string): Promise<ApiAnswer<ReadableScopeBody>> {
    const identity = await this.parts.authentication.authenticate(bearerToken(authorization));
    if (!identity.ok) return apiRefusal('unauthenticated', 'a valid bearer token is required');
    if (!this.parts.registry.sources.has(sourceId)) return apiRefusal('not_found', 'no such source');
    const { subject } = identity;
    if (!this.rate.take(subject.user).allowed || this.answering.has(subject.user)) {
      return apiRefusal('rate_limited', 'too many scope requests; retry later');
    }
    this.answering.add(subject.user);
    try {
      return { status: 200, body: { source: sourceId, ...(await this.readable(subject)) } };
    } catch (error) {
      this.parts.logger.warn({ user: subject.user, err: errorName(error) }, 'readable scope failed');
      if (isPluginError(error) && error.code === 'upstream_unavailable') {
        return apiRefusal('upstream_unavailable', 'pod metadata is not available; retry later');
      }
      return apiRefusal('internal', 'the scope could not be computed');
    } finally {
      this.answering.delete(subject.user);
    }
  }

  private async readable(subject: Subject): Promise<Omit<ReadableScopeBody, 'source'>> {
    const candidates = (await this.parts.pods?.list?.()) ?? [];
    const namespaces: string[] = [];
    const pods: ReadablePod[] = [];
    let decided = 0;
    let truncated = false;
    const groups = byNamespace(candidates);
    const scopes = await inBatches(groups, ([namespace]) => this.parts.access.decideScope(subject, { namespace }));
    for (const [i, [namespace, inNamespace]] of groups.entries()) {
      const scope = scopes[i] as AccessDecision;
      // Explicitly denied: nothing here is readable. Undecided (no authorizer votes on namespaces): per pod.
      if (scope.result === 'deny' && scope.decidedBy.length > 0) continue;
      const room = Math.min(MAX_SCOPE_PODS - pods.length, MAX_DECIDED_PODS - decided);
      const batch = inNamespace.slice(0, Math.max(0, room));
      truncated ||= batch.length < inNamespace.length;
      decided += batch.length;
      const allowed = await this.allowedPods(subject, batch);
      if (scope.result === 'allow' || allowed.length > 0) namespaces.push(namespace);
      pods.push(...allowed.map(readablePod));
      if (truncated) break;
    }
    return { namespaces, pods, truncated };
  }

  /** The pods of `batch` the chain allows, in order. */
  private async allowedPods(subject: Subject, batch: readonly PodMetadata[]): Promise<PodMetadata[]> {
    const target = (pod: PodMetadata) => ({ namespace: pod.namespace, pod: pod.name, container: '' });
    const decisions = await inBatches(batch, (pod) => this.parts.access.decideTarget(subject, target(pod)));
    return batch.filter((_, i) => decisions[i]?.result === 'allow');
  }
}

/** `decide` for every item, in order, DECISION_CONCURRENCY at a time. */
async function inBatches<T>(items: readonly T[], decide: (item: T) => Promise<AccessDecision>): Promise<AccessDecision[]> {
  const decisions: AccessDecision[] = [];
  for (let at = 0; at < items.length; at += DECISION_CONCURRENCY) {
    decisions.push(...(await Promise.all(items.slice(at, at + DECISION_CONCURRENCY).map(decide))));
  }
  return decisions;
}

/** Candidates grouped by namespace, both sorted by name. */
function byNamespace(pods: readonly PodMetadata[]): [string, PodMetadata[]][] {
  const groups = new Map<string, PodMetadata[]>();
  for (const pod of pods) {
    const group = groups.get(pod.namespace);
    if (group) group.push(pod);
    else groups.set(pod.namespace, [pod]);
  }
  for (const group of groups.values()) group.sort((a, b) => compare(a.name, b.name));
  return [...groups].sort(([a], [b]) => compare(a, b));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Built field by field: nothing of the metadata passes through that the body does not name. */
function readablePod(pod: PodMetadata): ReadablePod {
  return {
    namespace: pod.namespace,
    name: pod.name,
    labels: { ...pod.labels },
    ...(pod.workload && { workload: { kind: pod.workload.kind, name: pod.workload.name } }),
    ...(pod.containers && { containers: [...pod.containers] }),
  };
}
