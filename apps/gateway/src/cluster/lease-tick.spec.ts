// parseLeaseTick: the TICK script's reply as the claim sees it.
import { describe, expect, it } from 'vitest';

import { parseLeaseTick } from './lease-tick';
import { HOLDER_FIELD } from './stream-lease-keys';

describe('parseLeaseTick', () => {
  it('reads an acquisition after a previous holder: its token, lease value and last cursors', () => {
    const reply = ['acquired', 7, 2, HOLDER_FIELD, '6', 'team-a/api-1/api', '01-0000000003', 'team-a/api-2/api', '02-0000000000'];
    expect(parseLeaseTick(reply, 'r1')).toEqual({
      state: 'acquired',
      lease: { value: 'r1:7', token: 7 },
      demand: 2,
      handover: true,
      lastCursors: new Map([
        ['team-a/api-1/api', '01-0000000003'],
        ['team-a/api-2/api', '02-0000000000'],
      ]),
    });
  });

  it('tells a fresh start (no holder before) from a takeover', () => {
    expect(parseLeaseTick(['acquired', 1, 1], 'r1')).toMatchObject({ handover: false, lastCursors: new Map() });
  });

  it('reads the other states with the demand count', () => {
    expect(parseLeaseTick(['held', 0, 3], 'r1')).toEqual({ state: 'held', demand: 3 });
    expect(parseLeaseTick(['busy', 0, 1], 'r1')).toEqual({ state: 'busy', demand: 1 });
    expect(parseLeaseTick(['lost', 0, 0], 'r1')).toEqual({ state: 'lost', demand: 0 });
    expect(parseLeaseTick(['idle', 0, 0], 'r1')).toEqual({ state: 'idle', demand: 0 });
  });

  it('refuses malformed replies', () => {
    expect(() => parseLeaseTick(['acquired', 0, 1], 'r1')).toThrow();
    expect(() => parseLeaseTick(['acquired', 2, 1, 'odd'], 'r1')).toThrow();
    expect(() => parseLeaseTick(['stolen', 0, 1], 'r1')).toThrow();
    expect(() => parseLeaseTick('OK', 'r1')).toThrow();
  });
});
