import { describe, expect, it } from 'vitest';

import { POD_PALETTE_SIZE, podColourClass, podColourIndex } from './pod-colour';

describe('podColourIndex', () => {
  it('gives a pod the same colour every time (a fixed value, so it holds across releases too)', () => {
    expect(podColourIndex('team-a', 'checkout-api')).toBe(podColourIndex('team-a', 'checkout-api'));
    expect(podColourClass('team-a', 'checkout-api')).toBe(`pod-c${podColourIndex('team-a', 'checkout-api')}`);
    expect(podColourIndex('team-a', 'checkout-api')).toBe(6);
  });

  it('stays inside the palette and spreads similar names over it', () => {
    const indices = Array.from({ length: 48 }, (_, i) => podColourIndex('ns', `api-${i}`));
    expect(indices.every((i) => Number.isInteger(i) && i >= 0 && i < POD_PALETTE_SIZE)).toBe(true);
    expect(new Set(indices).size).toBeGreaterThanOrEqual(POD_PALETTE_SIZE - 2);
  });

  it('tells the same pod name in two namespaces apart', () => {
    const pairs = Array.from({ length: 20 }, (_, i) => [podColourIndex('a', `p${i}`), podColourIndex('b', `p${i}`)]);
    expect(pairs.some(([a, b]) => a !== b)).toBe(true);
  });
});
