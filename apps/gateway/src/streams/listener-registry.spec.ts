import { describe, expect, it } from 'vitest';

import { ListenerRegistry } from './listener-registry';
import { SlowLane } from './slow-lane';
import type { StreamListener } from './stream-listener';

const listener = (id: string): StreamListener =>
  ({ id, phase: { kind: 'onboarding', held: new SlowLane(1024), gaps: [] } }) as unknown as StreamListener;

describe('ListenerRegistry', () => {
  it('indexes listeners by phase and moves them only along the transition function', () => {
    const registry = new ListenerRegistry();
    const a = listener('a');
    const b = listener('b');
    registry.add(a);
    registry.add(b);
    expect([...registry.inPhase('onboarding')]).toEqual([a, b]);

    const floors = new Map([['n/p/c', '1']]);
    const timer = setTimeout(() => undefined, 0);
    expect(registry.move(a, { type: 'backlog-sent', floorsLeft: true }, () => ({ kind: 'catching-up', floors, timer }))?.kind).toBe(
      'catching-up',
    );
    expect(registry.move(b, { type: 'backlog-sent', floorsLeft: false }, () => ({ kind: 'live' }))?.kind).toBe('live');
    expect([...registry.inPhase('onboarding')]).toEqual([]);
    expect([...registry.inPhase('catching-up')]).toEqual([a]);
    expect([...registry.inPhase('live')]).toEqual([b]);

    // An event that does not apply changes nothing and never builds the phase.
    let built = false;
    expect(registry.move(b, { type: 'floors-passed' }, () => ((built = true), { kind: 'live' }))).toBeUndefined();
    expect(built).toBe(false);

    expect(registry.move(a, { type: 'catch-up-expired' }, () => ({ kind: 'live' }))?.kind).toBe('live');
    expect(registry.move(a, { type: 'left' }, () => ({ kind: 'ended' }))?.kind).toBe('ended');
    expect(registry.has('a')).toBe(false);
    expect(registry.holds(a)).toBe(false);
    expect([...registry.inPhase('live')]).toEqual([b]);
    expect(registry.size).toBe(1);
  });

  it('refuses a phase that is not where the transition leads', () => {
    const registry = new ListenerRegistry();
    const a = listener('a');
    registry.add(a);
    expect(() => registry.move(a, { type: 'backlog-sent', floorsLeft: false }, () => ({ kind: 'ended' }))).toThrow(/leads to live/);
    expect(a.phase.kind).toBe('onboarding');
  });
});
