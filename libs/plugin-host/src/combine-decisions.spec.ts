import { abstain, allow, conditional, type Decision, deny } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { type ChainMode, combineDecisions, NO_AUTHORIZER_DECIDED } from './combine-decisions';

const ruleA = { rule: 'p.a', params: { x: 1 } };
const ruleB = { rule: 'p.b', params: { y: 2 } };
const KINDS: Record<string, Decision> = {
  allow: allow(),
  deny: deny('nope'),
  abstain: abstain(),
  condA: conditional(ruleA),
  condB: conditional(ruleB),
};

function named(...kinds: string[]) {
  return kinds.map((kind, i) => ({ authorizer: `a${i}.${kind}`, decision: KINDS[kind] as Decision }));
}

/** The rule of the `all` mode, stated independently of the implementation. */
function expectedAll(kinds: string[]): string {
  if (kinds.includes('deny')) return 'deny';
  if (kinds.every((k) => k === 'abstain')) return 'deny';
  return 'allow';
}

function expectedFirstDecisive(kinds: string[]): string {
  const first = kinds.find((k) => k !== 'abstain');
  return first === undefined || first === 'deny' ? 'deny' : 'allow';
}

function allSequences(length: number): string[][] {
  if (length === 0) return [[]];
  return allSequences(length - 1).flatMap((rest) => Object.keys(KINDS).map((k) => [k, ...rest]));
}

describe('combineDecisions', () => {
  const sequences = [0, 1, 2, 3].flatMap(allSequences);

  it.each<[ChainMode, (kinds: string[]) => string]>([
    ['all', expectedAll],
    ['first-decisive', expectedFirstDecisive],
  ])('decides every sequence of up to three decisions by the %s rule', (mode, expected) => {
    for (const kinds of sequences) {
      expect(combineDecisions(named(...kinds), mode).result, kinds.join(',')).toBe(expected(kinds));
    }
  });

  it("carries the allowing authorizers' reasons (audit only) in both modes", () => {
    const chain = [
      { authorizer: 'a.rbac', decision: allow('RBAC: allowed by RoleBinding "r/ns"') },
      { authorizer: 'b.labels', decision: allow() },
      { authorizer: 'c.ns', decision: allow('namespace in the allow-list') },
    ];
    expect(combineDecisions(chain, 'all')).toMatchObject({
      result: 'allow',
      reason: 'RBAC: allowed by RoleBinding "r/ns"; namespace in the allow-list',
    });
    expect(combineDecisions(chain, 'first-decisive')).toMatchObject({ result: 'allow', reason: 'RBAC: allowed by RoleBinding "r/ns"' });
    expect(combineDecisions([chain[1]!], 'all')).not.toHaveProperty('reason');
  });

  it('denies by default when the chain is empty or every authorizer abstains', () => {
    for (const mode of ['all', 'first-decisive'] as const) {
      expect(combineDecisions([], mode)).toEqual({ result: 'deny', reason: NO_AUTHORIZER_DECIDED, decidedBy: [] });
      expect(combineDecisions(named('abstain', 'abstain'), mode).result).toBe('deny');
    }
  });

  it('ANDs the conditions of every conditional authorizer in all mode', () => {
    const decision = combineDecisions(named('condA', 'allow', 'abstain', 'condB'), 'all');
    expect(decision).toEqual({ result: 'allow', conditions: [ruleA, ruleB], decidedBy: ['a0.condA', 'a1.allow', 'a3.condB'] });
  });

  it('lets a later deny override earlier allows in all mode, naming the denier', () => {
    expect(combineDecisions(named('allow', 'condA', 'deny'), 'all')).toEqual({
      result: 'deny',
      reason: 'nope',
      decidedBy: ['a2.deny'],
    });
  });

  it('ignores everything after the first decisive authorizer in first-decisive mode', () => {
    expect(combineDecisions(named('abstain', 'condA', 'deny'), 'first-decisive')).toEqual({
      result: 'allow',
      conditions: [ruleA],
      decidedBy: ['a1.condA'],
    });
    expect(combineDecisions(named('deny', 'allow'), 'first-decisive').result).toBe('deny');
  });
});
