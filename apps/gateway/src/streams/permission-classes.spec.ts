import type { RecordOrder, WireRecord } from '@tailgate/contracts';
import { describe, expect, it } from 'vitest';

import { buildClass, type ClassMember, classKeyOf, filterForClass } from './permission-classes';
import { NO_MASK, type RecordMask } from './record-mask';
import { PASS, type TargetAccess } from './target-access';

const record = (pod: string, line: string): WireRecord => ({ ts: 't', ns: 'n', pod, container: 'c', stream: 'stdout', line, cursor: line });
const allowed = (signature = '[]', predicate = PASS): TargetAccess => ({ allowed: true, predicate, signature });
const denied: TargetAccess = { allowed: false, reason: 'no', named: false };

function member(
  id: string,
  access: Record<string, TargetAccess>,
  scopeSignature = 's',
  order: RecordOrder = 'source',
  mask: RecordMask = NO_MASK,
): ClassMember {
  return { id, order, access: new Map(Object.entries(access)), scopePredicate: PASS, scopeSignature, mask };
}

const maskNamed = (signature: string): RecordMask => ({ signature, apply: (records) => records });

describe('permission classes', () => {
  const live = ['n/a/c', 'n/b/c'];

  it('puts listeners with the same decisions on the live targets in one class', () => {
    const alice = member('1', { 'n/a/c': allowed(), 'n/b/c': denied });
    const carol = member('2', { 'n/a/c': allowed(), 'n/b/c': denied, 'n/gone/c': allowed() });
    const bob = member('3', { 'n/a/c': denied, 'n/b/c': allowed() });
    expect(classKeyOf(alice, live)).toBe(classKeyOf(carol, live));
    expect(classKeyOf(alice, live)).not.toBe(classKeyOf(bob, live));
  });

  it('separates listeners whose conditions, scopes or record order differ', () => {
    const plain = member('1', { 'n/a/c': allowed() });
    expect(classKeyOf(plain, live)).not.toBe(classKeyOf(member('2', { 'n/a/c': allowed('[{"rule":"x"}]') }), live));
    expect(classKeyOf(plain, live)).not.toBe(classKeyOf(member('3', { 'n/a/c': allowed() }, 'other scope'), live));
    expect(classKeyOf(plain, live)).not.toBe(classKeyOf(member('4', { 'n/a/c': allowed() }, 's', 'time'), live));
    expect(classKeyOf(member('5', { 'n/a/c': allowed() }, 's', 'time'), live)).toBe(
      classKeyOf(member('6', { 'n/a/c': allowed() }, 's', 'time'), live),
    );
  });

  it('separates listeners with the same access but another redaction profile, and keeps those with the same one together', () => {
    const access = { 'n/a/c': allowed() };
    const plain = classKeyOf(member('1', access), live);
    const strict = classKeyOf(member('2', access, 's', 'source', maskNamed('strict')), live);
    expect(strict).not.toBe(plain);
    expect(strict).not.toBe(classKeyOf(member('3', access, 's', 'source', maskNamed('strict,pii')), live));
    expect(strict).toBe(classKeyOf(member('4', access, 's', 'source', maskNamed('strict')), live));
    const cls = buildClass(strict, 'room', member('2', access, 's', 'source', maskNamed('strict')), live);
    expect(cls.mask.signature).toBe('strict');
  });

  it('filters a batch to the targets and records a class may see, in order', () => {
    const onlyEven = allowed('even', (r) => Number(r.line) % 2 === 0);
    const cls = buildClass('k', 'room', member('1', { 'n/a/c': allowed(), 'n/b/c': onlyEven }), live);
    const batch = [record('a', '1'), record('b', '1'), record('b', '2'), record('x', '4'), record('a', '3')];
    const keys = batch.map((r) => `${r.ns}/${r.pod}/${r.container}`);
    expect(filterForClass(batch, keys, cls).map((r) => `${r.pod}${r.line}`)).toEqual(['a1', 'b2', 'a3']);
  });

  it('applies the scope predicate on top of target access', () => {
    const m: ClassMember = { ...member('1', { 'n/a/c': allowed() }), scopePredicate: (r) => r.line !== 'hidden' };
    const cls = buildClass('k', 'room', m, live);
    const batch = [record('a', 'shown'), record('a', 'hidden')];
    expect(filterForClass(batch, ['n/a/c', 'n/a/c'], cls).map((r) => r.line)).toEqual(['shown']);
  });
});
