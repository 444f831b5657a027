import { describe, expect, it } from 'vitest';

import { encodeBusMessage } from '../model/bus-message';
import { ChannelPosition } from './channel-position';

const fenced = (fence: number) => encodeBusMessage({ t: 'records', records: [], fence });

describe('ChannelPosition', () => {
  it('skips what a replay already brought, and a deposed holder’s replayed messages', () => {
    const position = new ChannelPosition();
    expect(position.admit(fenced(5), '1-0', 'live')).toBe('deliver');
    expect(position.admit(fenced(5), '2-0', 'replayed')).toBe('deliver');
    expect(position.admit(fenced(5), '2-0', 'held')).toBe('skip');
    expect(position.admit(fenced(6), '3-0', 'replayed')).toBe('takeover');
    // The old holder's last batch, still in the buffer after the new one's first.
    expect(position.admit(fenced(5), '4-0', 'replayed')).toBe('skip');
    expect(position.admit(fenced(6), '5-0', 'live')).toBe('deliver');
    expect(position.after).toBe('5-0');
  });

  it('holds what arrives while the bus is down, until it is back, and says when it had to let some go', () => {
    const position = new ChannelPosition();
    expect(position.hold('a', '1-0')).toBe(false);
    position.down();
    expect(position.hold('b', '2-0')).toBe(true);
    expect(position.hold('c', '3-0')).toBe(true);
    expect(position.resume()).toEqual({
      held: [
        { raw: 'b', id: '2-0' },
        { raw: 'c', id: '3-0' },
      ],
      overflowed: false,
    });
    expect(position.hold('d', '4-0')).toBe(false);
    position.down();
    for (let i = 0; i < 10_001; i++) position.hold('x', `${10 + i}-0`);
    const { held, overflowed } = position.resume();
    expect(held.length).toBe(10_000);
    expect(overflowed).toBe(true);
  });

  it('takes lower ids as new on a live channel long after an outage (the ids started again)', () => {
    let now = 0;
    const position = new ChannelPosition(() => now);
    position.down();
    position.resume();
    expect(position.admit('{}', '9-0', 'live')).toBe('deliver');
    expect(position.admit('{}', '8-0', 'live')).toBe('skip');
    now = 60_000;
    expect(position.admit('{}', '1-0', 'live')).toBe('deliver');
    expect(position.after).toBe('1-0');
  });

  it('follows a live lower fence (the gate let it through: the counter restarted) without calling it a takeover', () => {
    const position = new ChannelPosition();
    expect(position.admit(fenced(9), undefined, 'live')).toBe('deliver');
    expect(position.admit(fenced(2), undefined, 'live')).toBe('deliver');
    expect(position.admit(fenced(2), undefined, 'live')).toBe('deliver');
    expect(position.admit(fenced(3), undefined, 'live')).toBe('takeover');
  });
});
