// One listener's access to one target, compiled for the hot path.
import type { WireRecord } from '@tailgate/contracts';
import { type AccessDecision, ALLOW_ALL, compileConditions } from '@tailgate/plugin-host';
import type { RecordRule } from '@tailgate/plugin-sdk';

import { fromWireTarget } from './bus-message';

export type WirePredicate = (record: WireRecord) => boolean;

export const PASS: WirePredicate = () => true;

export type TargetAccess =
  | { readonly allowed: true; readonly predicate: WirePredicate; /** Equal signatures ⇔ equal predicates. */ readonly signature: string }
  | {
      readonly allowed: false;
      /** The authorizers' reason: for the server's log, never for the client. */
      readonly reason: string;
      /** Whether the listener may be told the target's name (see docs/security.md, "Disclosure"). */
      readonly named: boolean;
    };

export function compileAccess(decision: AccessDecision, rules: ReadonlyMap<string, RecordRule<unknown>>, named = false): TargetAccess {
  if (decision.result === 'deny') return { allowed: false, reason: decision.reason, named };
  return { allowed: true, predicate: compileWirePredicate(decision, rules), signature: JSON.stringify(decision.conditions) };
}

export function compileWirePredicate(decision: AccessDecision, rules: ReadonlyMap<string, RecordRule<unknown>>): WirePredicate {
  if (decision.result === 'deny') return () => false;
  const predicate = compileConditions(decision.conditions, rules);
  if (predicate === ALLOW_ALL) return PASS;
  return (record) =>
    predicate({ ts: record.ts, target: fromWireTarget(record), stream: record.stream, line: record.line, cursor: record.cursor });
}
