// One listener's access to one target, compiled for the hot path. Record rules run on the wire
// records as they are: nothing is rebuilt per record. That a WireRecord (contracts) is a
// RecordView (plugin SDK) is checked by the compiler where a predicate over views becomes a
// WirePredicate below; the two packages stay independent of each other.
import type { WireRecord } from '@tailgate/contracts';
import { type AccessDecision, ALLOW_ALL, compileConditions, DENY_ALL } from '@tailgate/plugin-host';
import type { RecordRule } from '@tailgate/plugin-sdk';

export type WirePredicate = (record: WireRecord) => boolean;

/** Every record passes: callers compare with it to skip the call. */
export const PASS: WirePredicate = ALLOW_ALL;

export type TargetAccess =
  | {
      readonly allowed: true;
      readonly predicate: WirePredicate;
      /** Equal signatures ⇔ equal predicates. */
      readonly signature: string;
      /** The authorizers that decided (`AccessDecision.decidedBy`), for the audit trail. */
      readonly authorizer?: string;
      /** Why they allowed it, where they said (audit only). */
      readonly reason?: string;
    }
  | {
      readonly allowed: false;
      readonly authorizer?: string;
      /** The authorizers' reason: for the server's log, never for the client. */
      readonly reason: string;
      /** Whether the listener may be told the target's name (see docs/security.md, "Disclosure"). */
      readonly named: boolean;
    };

export function compileAccess(decision: AccessDecision, rules: ReadonlyMap<string, RecordRule<unknown>>, named = false): TargetAccess {
  const authorizer = decision.decidedBy.length === 0 ? undefined : decision.decidedBy.join(',');
  if (decision.result === 'deny') return { allowed: false, reason: decision.reason, named, authorizer };
  const predicate = compileWirePredicate(decision, rules);
  const signature = JSON.stringify(decision.conditions);
  return { allowed: true, predicate, signature, authorizer, ...(decision.reason ? { reason: decision.reason } : {}) };
}

/** PASS for a decision without conditions. */
export function compileWirePredicate(decision: AccessDecision, rules: ReadonlyMap<string, RecordRule<unknown>>): WirePredicate {
  return decision.result === 'deny' ? DENY_ALL : compileConditions(decision.conditions, rules);
}
