// The fencing rules: how a token stands against the highest seen, what a fan-out and a gate do
// with it, and how long a counter that went back takes to be believed.
import { describe, expect, it } from 'vitest';

import { FenceGate, fenceAdmission, fenceResetAfterMs, type FenceStanding, fenceStanding } from './fencing-token';

describe('fenceStanding', () => {
  it.each([
    [undefined, undefined, 'unfenced'],
    [undefined, 4, 'unfenced'],
    [4, undefined, 'first'],
    [4, 4, 'same'],
    [5, 4, 'newer'],
    [3, 4, 'older'],
  ] as const)('token %s against highest %s is %s', (fence, highest, standing) => {
    expect(fenceStanding(fence, highest)).toBe(standing);
  });
});

describe('fenceAdmission', () => {
  const cases: [FenceStanding, boolean, ReturnType<typeof fenceAdmission>][] = [
    ['unfenced', false, 'deliver'],
    ['unfenced', true, 'deliver'],
    ['first', false, 'deliver'],
    ['first', true, 'deliver'],
    ['same', false, 'deliver'],
    ['same', true, 'deliver'],
    ['newer', false, 'takeover'],
    ['newer', true, 'takeover'],
    // Live, it passed the gate: the counter restarted. Replayed, it never met the gate.
    ['older', false, 'deliver'],
    ['older', true, 'skip'],
  ];
  it.each(cases)('a %s token (replayed: %s) is to %s', (standing, replayed, admission) => {
    expect(fenceAdmission(standing, replayed)).toBe(admission);
  });
});

describe('fenceResetAfterMs', () => {
  it('waits two lease TTLs: a deposed holder falls silent within one', () => {
    expect(fenceResetAfterMs(900)).toBe(1_800);
  });
});

describe('FenceGate', () => {
  it('passes growing and repeated tokens, and messages without one', () => {
    const gate = new FenceGate(1_000, () => 0);
    expect([3, 3, undefined, 4, 7].map((fence) => gate.admit(fence))).toEqual([true, true, true, true, true]);
  });

  it('drops messages with a lower token than the highest seen', () => {
    const gate = new FenceGate(1_000, () => 0);
    gate.admit(5);
    expect(gate.admit(4)).toBe(false);
    expect(gate.admit(1)).toBe(false);
    expect(gate.admit(5)).toBe(true);
  });

  it('keeps dropping a deposed holder whose messages interleave with the new holder’s', () => {
    let now = 0;
    const gate = new FenceGate(1_000, () => now);
    gate.admit(6);
    for (; now < 5_000; now += 400) {
      expect(gate.admit(5)).toBe(false);
      expect(gate.admit(6)).toBe(true);
    }
  });

  it('follows lower tokens once only they have come for the reset period (the counter restarted)', () => {
    let now = 0;
    const gate = new FenceGate(1_000, () => now);
    gate.admit(9);
    expect(gate.admit(1)).toBe(false);
    now = 999;
    expect(gate.admit(1)).toBe(false);
    now = 1_000;
    expect(gate.admit(1)).toBe(true);
    expect(gate.admit(2)).toBe(true);
    expect(gate.admit(1)).toBe(false);
  });
});
