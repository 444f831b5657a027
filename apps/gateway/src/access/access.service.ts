// Runs the authorizer chain for a scope or a target, with the deadline, error handling and
// decision cache DESIGN §4 asks for. Authorizer errors deny and are never cached. Every
// decision here admits a new listener or target (subscribe, resume, a target appearing), so none
// rides on a cached answer older than the re-check interval; live listeners' re-checks ask
// afresh. Cluster changes (access-revalidation.ts) drop the cached decisions they could affect.
import { createHash } from 'node:crypto';

import type { AccessConfigSchema } from '@tailgate/config';
import type { AccessChange } from '@tailgate/kube';
import {
  type AccessDecision,
  combineDecisions,
  type NamedDecision,
  type PluginRegistry,
  type RegisteredSource,
} from '@tailgate/plugin-host';
import {
  type AccessRequest,
  type AccessScope,
  type AccessTarget,
  allow,
  type Decision,
  ExpiringCache,
  isNodeLogTarget,
  isObjectEventsTarget,
  type PluginLogger,
  type Subject,
  type TargetRef,
} from '@tailgate/plugin-sdk';
import type { z } from 'zod';

import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { type Cacheable, DecisionCache } from './decision-cache';
import { dependenciesOf, invalidatedBy } from './decision-dependencies';

type AccessConfig = z.output<typeof AccessConfigSchema>;

const MAX_CACHED_DECISIONS = 100_000;
export const AUTHORIZER_ERROR = 'an authorizer failed; try again';
export const IDENTITY_DELETED = 'this identity was deleted';
/**
 * How long a deleted ServiceAccount stays refused here: its tokens may still be accepted from an
 * authenticator's cache (kube-token: 60 s by default) until the session re-check ends them.
 */
const DELETED_IDENTITY_MEMORY_MS = 3_600_000;
const SOURCE_HAS_NO_CHECK: AccessDecision = { result: 'allow', conditions: [], decidedBy: [] };
/** Named as the deciding authorizer of those denials (metrics, audit). */
const DELETED_IDENTITIES = 'gateway.deleted-identities';

export class AccessService {
  private readonly cache: DecisionCache<AccessDecision>;
  private readonly deletedIdentities: ExpiringCache<true>;

  constructor(
    private readonly registry: PluginRegistry,
    private readonly config: AccessConfig,
    private readonly metrics: GatewayMetrics,
    private readonly logger: PluginLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.cache = new DecisionCache(config.decisionTtlMs, MAX_CACHED_DECISIONS, now);
    this.deletedIdentities = new ExpiringCache(MAX_CACHED_DECISIONS, now);
  }

  decideScope(subject: Subject, scope: AccessScope): Promise<AccessDecision> {
    return this.decide({ kind: 'scope', subject, action: 'logs.read', scope });
  }

  /**
   * Decided per pod (every container of a pod shares one decision and one review), or per node for
   * a node's own logs. `fresh`: skip the cached decision (live listeners' re-checks), so revocation
   * takes one interval.
   */
  decideTarget(subject: Subject, target: TargetRef, fresh = false): Promise<AccessDecision> {
    // The Events of an object that is not a pod are read as Kubernetes reads them (list events in
    // the namespace), never as a pod: `pod` holds `<kind>:<name>` there (objectEventsTarget).
    if (isObjectEventsTarget(target)) {
      return this.decide(
        { kind: 'scope', subject, action: 'logs.read', scope: { resource: 'events', namespace: target.namespace } },
        fresh,
      );
    }
    return this.decide({ kind: 'target', subject, action: 'logs.read', target: accessTargetOf(target) }, fresh);
  }

  /**
   * Whether the subject may learn the names of the targets where this one is (Kubernetes: `list
   * pods` in its namespace, `list nodes`, or `list events` for the objects Events name): only then
   * does a `denied` event name it. Anything but an allow (or an allow with conditions, which
   * concern records, not names) keeps it hidden.
   */
  async mayListTargets(subject: Subject, target: TargetRef): Promise<boolean> {
    const scope: AccessScope = isNodeLogTarget(target)
      ? { resource: 'nodes/log' }
      : isObjectEventsTarget(target)
        ? { resource: 'events', namespace: target.namespace }
        : { namespace: target.namespace };
    const decision = await this.decide({ kind: 'scope', subject, action: 'targets.list', scope });
    return decision.result !== 'deny';
  }

  /**
   * The source's own check of a subscription (LogSource.admit; e.g. flow-tap: may the subject get
   * the Flow), made with the chain's at subscribe and at every re-check. A source without one
   * admits. Cached like scope decisions, cluster-wide: an RBAC change anywhere drops it.
   */
  admitSource(registered: RegisteredSource, selector: unknown, subject: Subject, fresh = false): Promise<AccessDecision> {
    const { source } = registered;
    if (!source.admit) return Promise.resolve(SOURCE_HAS_NO_CHECK);
    const key = `${subjectFingerprint(subject)}|admit|${registered.id}|${source.streamKey(selector)}`;
    const maxAgeMs = fresh ? 0 : this.config.recheckIntervalMs;
    const check = `${registered.id}.admit`;
    const decidedBy = [check];
    return this.cache.get(
      key,
      async () => {
        const decision = await this.withDeadline(check, (signal) =>
          source.admit ? source.admit(selector, subject, { signal, logger: this.logger }) : allow(),
        );
        const result = decision?.result === 'allow' ? 'allow' : decision ? 'deny' : 'error';
        this.metrics.decisions.inc({ kind: 'source', result });
        this.metrics.authorizerDecisions.inc({ authorizer: check, result });
        if (decision === undefined) return { value: { result: 'deny', reason: AUTHORIZER_ERROR, decidedBy }, cacheable: false };
        if (decision.result === 'allow') return { value: { result: 'allow', conditions: [], decidedBy }, cacheable: true };
        const reason = decision.result === 'deny' ? decision.reason : 'the source did not allow this subscription';
        return { value: { result: 'deny', reason, decidedBy }, cacheable: true };
      },
      { maxAgeMs },
    );
  }

  /** Drops the cached decisions the change could affect; a deleted identity is refused from now on. */
  forget(change: AccessChange): void {
    if (change.kind === 'identity-deleted') {
      const until = this.now() + DELETED_IDENTITY_MEMORY_MS;
      this.deletedIdentities.set(identityKey(change.user, change.uid), true, until);
      this.deletedIdentities.set(identityKey(change.user, undefined), true, until);
    }
    const invalidated = invalidatedBy(change);
    if (invalidated === 'all') this.cache.invalidateAll();
    else for (const dependency of invalidated) this.cache.invalidate(dependency);
  }

  private async decide(request: AccessRequest, fresh = false): Promise<AccessDecision> {
    const { subject, ...rest } = request;
    if (this.deletedIdentities.get(identityKey(subject.user, subject.uid))) {
      this.metrics.authorizerDecisions.inc({ authorizer: DELETED_IDENTITIES, result: 'deny' });
      return { result: 'deny', reason: IDENTITY_DELETED, decidedBy: [DELETED_IDENTITIES] };
    }
    const key = `${subjectFingerprint(subject)}|${JSON.stringify(rest)}`;
    const maxAgeMs = fresh ? 0 : this.config.recheckIntervalMs;
    return this.cache.get(key, () => this.evaluate(request), { maxAgeMs, dependsOn: dependenciesOf(request) });
  }

  private async evaluate(request: AccessRequest): Promise<Cacheable<AccessDecision>> {
    // "May it know the names here" is counted apart from the scopes and targets it reads.
    const kind = request.action === 'targets.list' ? 'names' : request.kind;
    const named: NamedDecision[] = [];
    for (const name of this.config.chain) {
      const decision = await this.ask(name, request);
      this.metrics.authorizerDecisions.inc({ authorizer: name, result: decision?.result ?? 'error' });
      if (decision === undefined) {
        this.metrics.decisions.inc({ kind, result: 'error' });
        return { value: { result: 'deny', reason: AUTHORIZER_ERROR, decidedBy: [name] }, cacheable: false };
      }
      named.push({ authorizer: name, decision });
    }
    const value = combineDecisions(named, this.config.mode);
    this.metrics.decisions.inc({ kind, result: value.result });
    return { value, cacheable: true };
  }

  /** The authorizer's decision, or undefined when it threw, timed out or answered nonsense. */
  private async ask(name: string, request: AccessRequest): Promise<Decision | undefined> {
    const authorizer = this.registry.authorizers.get(name);
    if (!authorizer) return undefined;
    return this.withDeadline(name, (signal) => authorizer.authorize(request, { signal, logger: this.logger }));
  }

  /** `decide`'s answer within the authorize deadline; undefined (counted, logged) when it failed. */
  private async withDeadline(name: string, decide: (signal: AbortSignal) => Promise<Decision> | Decision): Promise<Decision | undefined> {
    const signal = AbortSignal.timeout(this.config.authorizeTimeoutMs);
    try {
      const decision = await Promise.race([
        Promise.resolve(decide(signal)),
        new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('timed out')), { once: true })),
      ]);
      if (isDecision(decision)) return decision;
      throw new Error('answered something that is not a decision');
    } catch (error) {
      this.metrics.authorizerErrors.inc({ authorizer: name });
      this.logger.warn({ authorizer: name, err: error instanceof Error ? error.message : 'unknown' }, 'authorizer failed');
      return undefined;
    }
  }
}

/** What authorizers are asked about a target: its node for node logs (`nodeLogTarget`), else its pod. */
export function accessTargetOf(target: TargetRef): AccessTarget {
  if (isNodeLogTarget(target)) return { node: target.node };
  return { namespace: target.namespace, pod: target.pod };
}

function isDecision(value: unknown): value is Decision {
  const result = (value as { result?: unknown } | null)?.result;
  return result === 'allow' || result === 'deny' || result === 'abstain' || result === 'conditional';
}

function identityKey(user: string, uid: string | undefined): string {
  return `${user}\u0000${uid ?? ''}`;
}

/** Stable across group order; a digest, so no identity detail is kept in cache keys in clear. */
export function subjectFingerprint(subject: Subject): string {
  const canonical = JSON.stringify([subject.user, [...subject.groups].sort(), subject.uid ?? '', subject.extra ?? {}]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}
