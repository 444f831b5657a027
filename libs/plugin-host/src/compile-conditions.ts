// Turns the conditions of a decision into one predicate over records, parsed once so the hot
// path only calls the rules' `test`.
import type { LogRecord, RecordCondition, RecordRule } from '@tailgate/plugin-sdk';

export type RecordPredicate = (record: LogRecord) => boolean;

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
  return checks.length === 1 ? (checks[0] as RecordPredicate) : (record) => checks.every((check) => check(record));
}
