import { describe, expect, it } from 'vitest';

import { type FollowedState, NAME_CHECK_INTERVALS, planPoll, WATCHED_READ_INTERVALS } from './poll-plan';

const INTERVAL = 100;
const NOW = 10_000;
/** Idle, read 10 ms ago, looked for new files 10 ms ago. */
const IDLE: FollowedState = { idle: true, polledAt: NOW - 10, namesCheckedAt: NOW - 10 };

describe('planPoll', () => {
  it('reads and looks for new files everywhere on a step that followed no wait', () => {
    expect(planPoll('direct', 'none', IDLE, NOW, INTERVAL)).toBe('read-and-look');
  });

  it('skips an idle container whose directory reported nothing after a wake-up', () => {
    expect(planPoll('woken', 'none', IDLE, NOW, INTERVAL)).toBe('skip');
  });

  it('reads a written directory without looking for a new file', () => {
    expect(planPoll('woken', 'written', IDLE, NOW, INTERVAL)).toBe('read');
  });

  it('looks for a new file when a name changed in the directory (rotation, restart) or it is not watched', () => {
    expect(planPoll('woken', 'renamed', IDLE, NOW, INTERVAL)).toBe('read-and-look');
    expect(planPoll('woken', 'unwatched', IDLE, NOW, INTERVAL)).toBe('read-and-look');
    expect(planPoll('timed-out', 'unwatched', IDLE, NOW, INTERVAL)).toBe('read-and-look');
  });

  it('reads a container that had more to read, whatever ended the wait', () => {
    expect(planPoll('woken', 'none', { ...IDLE, idle: false }, NOW, INTERVAL)).toBe('read');
    expect(planPoll('timed-out', 'none', { ...IDLE, idle: false }, NOW, INTERVAL)).toBe('read');
  });

  it('leaves a watched idle container with no event unread for WATCHED_READ_INTERVALS poll intervals, then reads it (a dropped event)', () => {
    for (const cause of ['woken', 'timed-out'] as const) {
      expect(planPoll(cause, 'none', { ...IDLE, polledAt: NOW - INTERVAL }, NOW, INTERVAL)).toBe('skip');
      expect(planPoll(cause, 'none', { ...IDLE, polledAt: NOW - WATCHED_READ_INTERVALS * INTERVAL }, NOW, INTERVAL)).toBe('read');
    }
  });

  it('looks for a new file after NAME_CHECK_INTERVALS poll intervals even if no event came (a dropped event)', () => {
    const longAgo = { ...IDLE, namesCheckedAt: NOW - NAME_CHECK_INTERVALS * INTERVAL };
    expect(planPoll('woken', 'none', longAgo, NOW, INTERVAL)).toBe('read-and-look');
    expect(planPoll('timed-out', 'written', longAgo, NOW, INTERVAL)).toBe('read-and-look');
  });
});
