// The scopes a subscription was granted, as a record predicate: a record passes when it lies in
// an accepted scope and meets that scope's conditions. Records outside every accepted scope
// never flow, whatever a source sends.
import type { WireRecord } from '@tailgate/contracts';
import type { AccessDecision } from '@tailgate/plugin-host';
import type { AccessScope, RecordRule } from '@tailgate/plugin-sdk';

import { compileWirePredicate, PASS, type WirePredicate } from './target-access';

export interface GrantedScope {
  readonly scope: AccessScope;
  readonly decision: Extract<AccessDecision, { result: 'allow' }> | undefined;
}

export interface ScopeFilter {
  readonly predicate: WirePredicate;
  readonly signature: string;
}

export function inScope(record: WireRecord, scope: AccessScope): boolean {
  return (
    (scope.namespace === undefined || scope.namespace === record.ns) &&
    (scope.pod === undefined || scope.pod === record.pod) &&
    (scope.container === undefined || scope.container === record.container) &&
    (scope.node === undefined || record.node === undefined || scope.node === record.node)
  );
}

/** `decision` undefined means the chain left the scope to per-target decisions. */
export function buildScopeFilter(granted: readonly GrantedScope[], rules: ReadonlyMap<string, RecordRule<unknown>>): ScopeFilter {
  const parts = granted.map(({ scope, decision }) => ({
    scope,
    predicate: decision ? compileWirePredicate(decision, rules) : PASS,
  }));
  const signature = JSON.stringify(granted.map(({ scope, decision }) => [scope, decision?.conditions ?? []]));
  const single = parts.length === 1 ? parts[0] : undefined;
  if (single && isUnbounded(single.scope) && single.predicate === PASS) return { predicate: PASS, signature };
  const predicate: WirePredicate = (record) => {
    for (const part of parts) if (inScope(record, part.scope) && part.predicate(record)) return true;
    return false;
  };
  return { predicate, signature };
}

function isUnbounded(scope: AccessScope): boolean {
  return scope.namespace === undefined && scope.pod === undefined && scope.container === undefined && scope.node === undefined;
}
