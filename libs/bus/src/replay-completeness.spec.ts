// When a replay is complete: the gap rule both buses share.
import { describe, expect, it } from 'vitest';

import { isReplayComplete, NONE_DROPPED } from './replay-completeness';

describe('isReplayComplete', () => {
  it('without a buffer, is complete only from the start', () => {
    expect(isReplayComplete(undefined, undefined)).toBe(true);
    expect(isReplayComplete('5-0', undefined)).toBe(false);
  });

  it('after drops, is complete only for a caller that had the newest dropped message', () => {
    const bounds = { firstId: '20-0', maxDroppedId: '19-3' };
    expect(isReplayComplete('19-2', bounds)).toBe(false);
    expect(isReplayComplete('19-3', bounds)).toBe(true);
    expect(isReplayComplete('25-0', bounds)).toBe(true);
    expect(isReplayComplete(undefined, bounds)).toBe(false);
  });

  it('without drops, is complete from the start and for ids of this buffer, not for older ones', () => {
    const bounds = { firstId: '20-0', maxDroppedId: NONE_DROPPED };
    expect(isReplayComplete(undefined, bounds)).toBe(true);
    expect(isReplayComplete('20-0', bounds)).toBe(true);
    expect(isReplayComplete('19-9', bounds)).toBe(false);
    expect(isReplayComplete('1-0', { firstId: undefined, maxDroppedId: NONE_DROPPED })).toBe(false);
  });
});
