// FenceGate: messages of a deposed holder are dropped; a counter that went back is followed in time.
import { describe, expect, it } from 'vitest';

import { FenceGate } from './fence-gate';

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
