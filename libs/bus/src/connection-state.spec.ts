// Connection state: one down and one up per outage, nothing on the first connect.
import { describe, expect, it, vi } from 'vitest';

import { ConnectionStateTracker } from './connection-state';
import type { ConnectionState } from './log-bus';

function tracked(): { tracker: ConnectionStateTracker; states: ConnectionState[] } {
  const tracker = new ConnectionStateTracker(vi.fn());
  const states: ConnectionState[] = [];
  tracker.onChange((state) => states.push(state));
  return { tracker, states };
}

describe('ConnectionStateTracker', () => {
  it('stays silent on the first successful connect', () => {
    const { tracker, states } = tracked();
    tracker.regained();
    expect(states).toEqual([]);
    expect(tracker.current).toBe('up');
  });

  it('reports one down per outage and one up when it ends', () => {
    const { tracker, states } = tracked();
    tracker.regained();
    tracker.lost();
    tracker.lost();
    tracker.regained();
    tracker.regained();
    expect(states).toEqual(['down', 'up']);
  });

  it('reports a first connect that fails as down, then up', () => {
    const { tracker, states } = tracked();
    tracker.lost();
    tracker.regained();
    expect(states).toEqual(['down', 'up']);
  });

  it('stops calling a removed listener', () => {
    const tracker = new ConnectionStateTracker(vi.fn());
    const listener = vi.fn();
    const remove = tracker.onChange(listener);
    remove();
    tracker.lost();
    expect(listener).not.toHaveBeenCalled();
  });

  it('reports a throwing listener and still tells the others', () => {
    const report = vi.fn();
    const tracker = new ConnectionStateTracker(report);
    const error = new Error('listener bug');
    const other = vi.fn();
    tracker.onChange(() => {
      throw error;
    });
    tracker.onChange(other);
    tracker.lost();
    expect(other).toHaveBeenCalledWith('down');
    expect(report).toHaveBeenCalledWith(error, { connectionChange: 'down' });
  });
});
