// Authorizers judge a subject's request against a scope (at subscribe) or a single target
// (as it appears in a stream). The host combines their decisions; see combine-decisions.
import type { ZodType } from 'zod';

import type { PluginLogger } from './plugin-logger';
import type { AccessScope, RecordView } from './records';

/** Who is asking; produced by an authenticator, never taken from a request body. */
export interface Subject {
  /** e.g. `system:serviceaccount:team-a:viewer`, `alice`. */
  readonly user: string;
  readonly groups: readonly string[];
  readonly uid?: string;
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/**
 * `logs.read`: may the subject read the logs the request names. `targets.list` (always a scope
 * request, for a namespace or for nodes): may it learn which targets exist there — what Kubernetes
 * answers with `list pods` or `list nodes`. The host asks it before naming a target the subject may
 * not read (a `denied` event); an authorizer with no opinion on names abstains.
 */
export type AccessAction = 'logs.read' | 'targets.list';

/**
 * What a target request asks about: one pod's logs, or one node's own logs. Access is decided
 * per pod, not per container: Kubernetes RBAC cannot tell a pod's containers apart, and one
 * decision then serves all of them.
 */
export type AccessTarget = PodAccessTarget | NodeAccessTarget;

export interface PodAccessTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly node?: string;
}

export interface NodeAccessTarget {
  readonly node: string;
  readonly namespace?: undefined;
  readonly pod?: undefined;
}

export function isNodeTarget(target: AccessTarget): target is NodeAccessTarget {
  return target.pod === undefined;
}

export type AccessRequest =
  | { readonly kind: 'scope'; readonly subject: Subject; readonly action: AccessAction; readonly scope: AccessScope }
  | { readonly kind: 'target'; readonly subject: Subject; readonly action: AccessAction; readonly target: AccessTarget };

/** A record rule bound to parameters: plain JSON, so it can be hashed, cached and sent anywhere. */
export interface RecordCondition {
  /** `<pluginId>.<ruleName>` of a registered RecordRule. */
  readonly rule: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export type Decision =
  /** `reason`: why, as the authorizer's source words it (RBAC: the binding that grants it); for the audit trail. */
  | { readonly result: 'allow'; readonly reason?: string }
  | { readonly result: 'deny'; readonly reason: string }
  | { readonly result: 'conditional'; readonly conditions: readonly RecordCondition[] }
  | { readonly result: 'abstain' };

export const allow = (reason?: string): Decision => (reason ? { result: 'allow', reason } : { result: 'allow' });
export const deny = (reason: string): Decision => ({ result: 'deny', reason });
export const abstain = (): Decision => ({ result: 'abstain' });
export const conditional = (...conditions: RecordCondition[]): Decision => ({ result: 'conditional', conditions });

export interface AuthorizeContext {
  /** Aborted at the host's deadline; an answer after that counts as an error. */
  readonly signal: AbortSignal;
  readonly logger: PluginLogger;
}

export interface Authorizer {
  /** Local name; the chain refers to it as `<pluginId>.<name>`. */
  readonly name: string;
  /**
   * Must not throw for unknown subjects or scopes: answer `abstain` or `deny`. A thrown error
   * (an unreachable apiserver, say) is treated as deny for this request and never cached.
   */
  authorize(request: AccessRequest, ctx: AuthorizeContext): Decision | Promise<Decision>;
}

/** Evaluated per record for listeners holding a conditional decision: the hot path. */
export interface RecordRule<P = unknown> {
  readonly name: string;
  readonly params: ZodType<P>;
  /** Pure, synchronous, no I/O; reads the record's fields and keeps nothing of it. */
  test(record: RecordView, params: P): boolean;
}
