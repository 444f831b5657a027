// Runs the authorizer chain for a scope or a target, with the deadline, error handling and
// decision cache DESIGN §4 asks for. Authorizer errors deny and are never cached.
import { createHash } from 'node:crypto';

import type { AccessConfigSchema } from '@tailgate/config';
import { type AccessDecision, combineDecisions, type NamedDecision, type PluginRegistry } from '@tailgate/plugin-host';
import {
  type AccessRequest,
  type AccessScope,
  type AccessTarget,
  type Decision,
  isNodeLogTarget,
  type PluginLogger,
  type Subject,
  type TargetRef,
} from '@tailgate/plugin-sdk';
import type { z } from 'zod';

import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { type Cacheable, DecisionCache } from './decision-cache';

type AccessConfig = z.output<typeof AccessConfigSchema>;

const MAX_CACHED_DECISIONS = 100_000;
export const AUTHORIZER_ERROR = 'an authorizer failed; try again';

export class AccessService {
  private readonly cache: DecisionCache<AccessDecision>;

  constructor(
    private readonly registry: PluginRegistry,
    private readonly config: AccessConfig,
    private readonly metrics: GatewayMetrics,
    private readonly logger: PluginLogger,
  ) {
    this.cache = new DecisionCache(config.decisionTtlMs, MAX_CACHED_DECISIONS);
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
    return this.decide({ kind: 'target', subject, action: 'logs.read', target: accessTargetOf(target) }, fresh);
  }

  private decide(request: AccessRequest, fresh = false): Promise<AccessDecision> {
    const { subject, ...rest } = request;
    const key = `${subjectFingerprint(subject)}|${JSON.stringify(rest)}`;
    return this.cache.get(key, () => this.evaluate(request), fresh);
  }

  private async evaluate(request: AccessRequest): Promise<Cacheable<AccessDecision>> {
    const named: NamedDecision[] = [];
    for (const name of this.config.chain) {
      const decision = await this.ask(name, request);
      if (decision === undefined) {
        this.metrics.decisions.inc({ kind: request.kind, result: 'error' });
        return { value: { result: 'deny', reason: AUTHORIZER_ERROR, decidedBy: [name] }, cacheable: false };
      }
      named.push({ authorizer: name, decision });
    }
    const value = combineDecisions(named, this.config.mode);
    this.metrics.decisions.inc({ kind: request.kind, result: value.result });
    return { value, cacheable: true };
  }

  /** The authorizer's decision, or undefined when it threw, timed out or answered nonsense. */
  private async ask(name: string, request: AccessRequest): Promise<Decision | undefined> {
    const authorizer = this.registry.authorizers.get(name);
    if (!authorizer) return undefined;
    const signal = AbortSignal.timeout(this.config.authorizeTimeoutMs);
    try {
      const decision = await Promise.race([
        Promise.resolve(authorizer.authorize(request, { signal, logger: this.logger })),
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

/** Stable across group order; a digest, so no identity detail is kept in cache keys in clear. */
export function subjectFingerprint(subject: Subject): string {
  const canonical = JSON.stringify([subject.user, [...subject.groups].sort(), subject.uid ?? '', subject.extra ?? {}]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}
