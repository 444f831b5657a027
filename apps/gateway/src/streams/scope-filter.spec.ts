import type { WireRecord } from '@tailgate/contracts';
import type { RecordRule } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { buildScopeFilter } from './scope-filter';
import { PASS } from './target-access';

const record = (ns: string, pod = 'p'): WireRecord => ({ ts: 't', ns, pod, container: 'c', stream: 'stdout', line: 'l', cursor: '1' });
const rules = new Map<string, RecordRule<unknown>>([
  ['t.not-secret', { name: 'not-secret', params: z.object({}), test: (r) => r.pod !== 'secret' }],
]);
const allow = (conditions: { rule: string; params: Record<string, unknown> }[] = []) =>
  ({ result: 'allow', conditions, decidedBy: ['x'] }) as const;

describe('buildScopeFilter', () => {
  it('passes everything through cheaply for one unbounded, unconditional scope', () => {
    expect(buildScopeFilter([{ scope: {}, decision: allow() }], rules).predicate).toBe(PASS);
  });

  it('lets through only records inside a granted scope', () => {
    const { predicate } = buildScopeFilter(
      [
        { scope: { namespace: 'a' }, decision: undefined },
        { scope: { namespace: 'b' }, decision: allow() },
      ],
      rules,
    );
    expect(predicate(record('a'))).toBe(true);
    expect(predicate(record('b'))).toBe(true);
    expect(predicate(record('c'))).toBe(false);
  });

  it("applies each scope's conditions to the records of that scope", () => {
    const { predicate } = buildScopeFilter([{ scope: { namespace: 'a' }, decision: allow([{ rule: 't.not-secret', params: {} }]) }], rules);
    expect(predicate(record('a', 'open'))).toBe(true);
    expect(predicate(record('a', 'secret'))).toBe(false);
  });

  it('denies every record when a condition names an unknown rule', () => {
    const { predicate } = buildScopeFilter([{ scope: {}, decision: allow([{ rule: 'nobody.rule', params: {} }]) }], rules);
    expect(predicate(record('a'))).toBe(false);
  });

  it('gives different signatures to different grants', () => {
    const one = buildScopeFilter([{ scope: { namespace: 'a' }, decision: allow() }], rules).signature;
    const two = buildScopeFilter([{ scope: { namespace: 'b' }, decision: allow() }], rules).signature;
    expect(one).not.toBe(two);
  });
});
