// Turns the conditions of a decision into one predicate over records, parsed once so the hot
// path only calls the rules' `test`, on the record it is given: nothing is built per record.
import type { RecordCondition, RecordRule, RecordView } from '@tailgate/plugin-sdk';

/** Over any record with a RecordView's fields (the gateway's wire records as they are). */
export type RecordPredicate = (record: RecordView) => boolean;

export const ALLOW_ALL: RecordPredicate = () => true;
export const DENY_ALL: RecordPredicate = () => false;

/** An unknown rule or bad params yields DENY_ALL: a condition that cannot be checked is not met. */
export function compileConditions(
  conditions: readonly RecordCondition[],
  rules: ReadonlyMap<string, RecordRule<unknown>>,
): RecordPredicate {
  if (conditions.length === 0) return ALLOW_ALL;
  const checks: RecordPredicate[] = [];
  for (const condition of conditions) {
    const rule = rules.get(condition.rule);
    const params = rule?.params.safeParse(condition.params);
    if (!rule || !params?.success) return DENY_ALL;
    const value = params.data;
    checks.push((record) => rule.test(record, value));
  }
  if (checks.length === 1) return checks[0] as RecordPredicate;
  return (record) => {
    for (const check of checks) if (!check(record)) return false;
    return true;
  };
}
