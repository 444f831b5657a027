// How the authorizer chain turns several decisions into one. Pure; see combine-decisions.spec.ts.
//   all (default):    any deny → deny; all abstain → deny; otherwise allow, with every condition ANDed.
//   first-decisive:   the first authorizer that does not abstain decides (Kubernetes' union
//                     authorizer); all abstain → deny. For compatibility only.
import type { Decision, RecordCondition } from '@tailgate/plugin-sdk';

export type ChainMode = 'all' | 'first-decisive';

export interface NamedDecision {
  /** `<pluginId>.<name>` of the authorizer. */
  readonly authorizer: string;
  readonly decision: Decision;
}

/** The chain's verdict, with the authorizer that decided it for the audit trail. */
export type AccessDecision =
  | {
      readonly result: 'allow';
      readonly conditions: readonly RecordCondition[];
      readonly decidedBy: readonly string[];
      /** The allowing authorizers' reasons, where they gave one (audit only). */
      readonly reason?: string;
    }
  | { readonly result: 'deny'; readonly reason: string; readonly decidedBy: readonly string[] };

export const NO_AUTHORIZER_DECIDED = 'no authorizer allowed this request';

export function combineDecisions(decisions: readonly NamedDecision[], mode: ChainMode): AccessDecision {
  return mode === 'all' ? combineAll(decisions) : combineFirstDecisive(decisions);
}

function combineAll(decisions: readonly NamedDecision[]): AccessDecision {
  const denial = decisions.find((d) => d.decision.result === 'deny');
  if (denial) return toAccessDecision(denial);
  const voters = decisions.filter((d) => d.decision.result !== 'abstain');
  if (voters.length === 0) return { result: 'deny', reason: NO_AUTHORIZER_DECIDED, decidedBy: [] };
  const conditions = voters.flatMap((d) => (d.decision.result === 'conditional' ? d.decision.conditions : []));
  const reasons = voters.flatMap((d) => (d.decision.result === 'allow' && d.decision.reason ? [d.decision.reason] : []));
  const decidedBy = voters.map((d) => d.authorizer);
  return reasons.length > 0
    ? { result: 'allow', conditions, decidedBy, reason: reasons.join('; ') }
    : { result: 'allow', conditions, decidedBy };
}

function combineFirstDecisive(decisions: readonly NamedDecision[]): AccessDecision {
  const first = decisions.find((d) => d.decision.result !== 'abstain');
  if (!first) return { result: 'deny', reason: NO_AUTHORIZER_DECIDED, decidedBy: [] };
  return toAccessDecision(first);
}

function toAccessDecision({ authorizer, decision }: NamedDecision): AccessDecision {
  switch (decision.result) {
    case 'deny':
      return { result: 'deny', reason: decision.reason, decidedBy: [authorizer] };
    case 'conditional':
      return { result: 'allow', conditions: decision.conditions, decidedBy: [authorizer] };
    case 'allow':
      return decision.reason
        ? { result: 'allow', conditions: [], decidedBy: [authorizer], reason: decision.reason }
        : { result: 'allow', conditions: [], decidedBy: [authorizer] };
    case 'abstain':
      return { result: 'deny', reason: NO_AUTHORIZER_DECIDED, decidedBy: [] };
  }
}
