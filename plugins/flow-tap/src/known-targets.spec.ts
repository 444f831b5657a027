import { describe, expect, it } from 'vitest';

import { KnownTargets } from './known-targets';

const target = (pod: string) => ({ namespace: 'acme', pod, container: 'app', node: 'n1' });

describe('KnownTargets', () => {
  it('holds at most max targets and forgets the one heard from least recently', () => {
    const targets = new KnownTargets(2);
    targets.add(target('a'));
    targets.add(target('b'));
    targets.touch('acme/a/app');
    const { forgotten } = targets.add(target('c'));
    expect(forgotten).toEqual([target('b')]);
    expect(targets.size).toBe(2);
    expect(targets.get('acme/a/app')?.target).toEqual(target('a'));
    expect(targets.get('acme/b/app')).toBeUndefined();
  });

  it('gives a re-added target a fresh cursor clock', () => {
    const targets = new KnownTargets(10);
    const first = targets.add(target('a')).known;
    first.clock.next('01714557600000000000');
    const again = targets.add(target('a')).known;
    expect(again.clock.last.epochNanos).toBe('');
  });
});
