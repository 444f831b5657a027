import { describe, expect, it } from 'vitest';

import { backlogCaps, checkBacklogWindow } from './backlog-window';

const HOUR = 3_600_000;
const gateway = { maxSinceMs: 24 * HOUR, maxTail: 10_000 };

describe('backlog window', () => {
  it("caps a backlog by the smaller of the source's and the gateway's limits", () => {
    expect(backlogCaps(undefined, gateway)).toEqual(gateway);
    expect(backlogCaps({ maxSinceMs: HOUR }, gateway)).toEqual({ maxSinceMs: HOUR, maxTail: 10_000 });
    expect(backlogCaps({ maxSinceMs: 48 * HOUR, maxTail: 50 }, gateway)).toEqual({ maxSinceMs: 24 * HOUR, maxTail: 50 });
  });

  it('refuses a since further back than the cap, and a larger tail, naming the limit', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    const caps = { maxSinceMs: HOUR, maxTail: 50 };
    expect(() => checkBacklogWindow('x.y', { since: new Date(now - HOUR), tail: 50 }, caps, now)).not.toThrow();
    expect(() => checkBacklogWindow('x.y', { since: new Date(now + HOUR) }, caps, now)).not.toThrow();
    expect(() => checkBacklogWindow('x.y', { since: new Date(now - HOUR - 1) }, caps, now)).toThrow(
      expect.objectContaining({ code: 'invalid_request', details: { maxSinceMs: HOUR } }),
    );
    expect(() => checkBacklogWindow('x.y', { tail: 51 }, caps, now)).toThrow(
      expect.objectContaining({ code: 'invalid_request', details: { maxTail: 50 } }),
    );
  });
});
