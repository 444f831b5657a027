import { describe, expect, it } from 'vitest';

import { isFull, takeToken, tokensAt } from './token-bucket';

const rate = { perMinute: 600, burst: 3 }; // one token every 100 ms

describe('token bucket', () => {
  it('starts full and refills at the rate, never past the burst', () => {
    expect(tokensAt({ rate, state: undefined }, 0)).toBe(3);
    expect(tokensAt({ rate, state: { tokens: 0, at: 1_000 } }, 1_050)).toBeCloseTo(0.5);
    expect(tokensAt({ rate, state: { tokens: 0, at: 1_000 } }, 1_000_000)).toBe(3);
  });

  it('refills nothing when the clock went back', () => {
    expect(tokensAt({ rate, state: { tokens: 1.5, at: 2_000 } }, 1_000)).toBe(1.5);
    expect(takeToken([{ rate, state: { tokens: 1.5, at: 2_000 } }], 1_000).states[0]).toEqual({ tokens: 0.5, at: 2_000 });
  });

  it('takes one token when there is a whole one', () => {
    expect(takeToken([{ rate, state: { tokens: 1.25, at: 0 } }], 0)).toEqual({
      refusedBy: undefined,
      states: [{ tokens: 0.25, at: 0 }],
      retryAfterMs: 0,
    });
  });

  it('refuses without a whole token, takes the fraction anyway, and says how long a pause must last', () => {
    const outcome = takeToken([{ rate, state: { tokens: 0, at: 0 } }], 60);
    expect(outcome).toEqual({ refusedBy: 0, states: [{ tokens: 0, at: 60 }], retryAfterMs: 100 });
    // A client that hammers every 60 ms never gets a whole token back.
    const again = takeToken([{ rate, state: outcome.states[0] }], 120);
    expect(again.refusedBy).toBe(0);
  });

  it('takes from every bucket, names the first empty one, and waits for the slowest', () => {
    const slow = { perMinute: 6, burst: 1 }; // one token every 10 s
    const outcome = takeToken(
      [
        { rate, state: { tokens: 1.5, at: 0 } },
        { rate: slow, state: { tokens: 0.5, at: 0 } },
      ],
      0,
    );
    expect(outcome.refusedBy).toBe(1);
    expect(outcome.states.map((s) => s.tokens)).toEqual([0.5, 0]);
    expect(outcome.retryAfterMs).toBe(10_000);
  });

  it('knows when a bucket is full and can be forgotten', () => {
    expect(isFull({ rate, state: { tokens: 2, at: 0 } }, 50)).toBe(false);
    expect(isFull({ rate, state: { tokens: 2, at: 0 } }, 100)).toBe(true);
  });
});
