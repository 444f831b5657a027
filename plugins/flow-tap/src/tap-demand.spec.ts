import { MemorySharedState, silentLogger } from '@tailgate/plugin-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { HANDOVER_MS, TapDemand } from './tap-demand';
import { DEMAND_SET, DEMAND_VERSION } from './tap-state';

afterEach(() => void vi.useRealTimers());

describe('TapDemand', () => {
  it('renews its entry every third of the TTL, so it never expires while the stream runs', async () => {
    vi.useFakeTimers();
    const state = new MemorySharedState(() => Date.now());
    const demand = new TapDemand('flow/acme/web', {
      state,
      jobs: { reconcileSoon: async () => undefined, reconcileLater: async () => undefined },
      ttlMs: 3_000,
      logger: silentLogger,
    });
    await demand.start();
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await state.members(DEMAND_SET)).toEqual(['flow/acme/web']);
    }
    await demand.stop();
    // No more renewals after stop: the entry lapses with its TTL.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await state.members(DEMAND_SET)).toEqual([]);
  });

  it('keeps wanting the tap for the hand-over time after it stops, and has it reconciled just after that', async () => {
    vi.useFakeTimers();
    const state = new MemorySharedState(() => Date.now());
    const later: number[] = [];
    const jobs = { reconcileSoon: async () => undefined, reconcileLater: async (ms: number) => void later.push(ms) };
    const demand = new TapDemand('flow/acme/web', { state, jobs, ttlMs: 30_000, logger: silentLogger });
    await demand.start();
    await demand.stop();
    expect(later).toEqual([HANDOVER_MS + 1_000]);
    await vi.advanceTimersByTimeAsync(HANDOVER_MS - 1);
    expect(await state.members(DEMAND_SET)).toEqual(['flow/acme/web']);
    // A stream taking over on another replica renews it in time: the tap is never removed.
    const takeover = new TapDemand('flow/acme/web', { state, jobs, ttlMs: 30_000, logger: silentLogger });
    await takeover.start();
    await vi.advanceTimersByTimeAsync(HANDOVER_MS + 1_000);
    expect(await state.members(DEMAND_SET)).toEqual(['flow/acme/web']);
    await takeover.stop();
    await vi.advanceTimersByTimeAsync(HANDOVER_MS);
    expect(await state.members(DEMAND_SET)).toEqual([]);
  });

  it('keeps the stream going when shared state or the job queue fail, and still withdraws at the end', async () => {
    const state = new MemorySharedState();
    const renew = state.renew.bind(state);
    let down = true;
    state.renew = (...args) => (down ? Promise.reject(new Error('redis away')) : renew(...args));
    const reconcileSoon = vi.fn(() => Promise.reject(new Error('queue away')));
    const reconcileLater = vi.fn(() => Promise.reject(new Error('queue away')));
    const demand = new TapDemand('flow/acme/web', { state, jobs: { reconcileSoon, reconcileLater }, ttlMs: 3_000, logger: silentLogger });
    await expect(demand.start()).resolves.toBeUndefined();
    down = false;
    await expect(demand.stop()).resolves.toBeUndefined();
    expect(reconcileSoon).toHaveBeenCalledTimes(1);
    expect(reconcileLater).toHaveBeenCalledTimes(1);
    expect(await state.get(DEMAND_VERSION)).toBe('2');
  });
});
