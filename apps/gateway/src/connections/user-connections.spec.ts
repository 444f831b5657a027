import { describe, expect, it } from 'vitest';

import { UserConnections } from './user-connections';

describe('UserConnections', () => {
  it('gives each user at most maxPerUser slots, and a slot back when one closes', () => {
    const connections = new UserConnections(2);
    expect([1, 2, 3].map(() => connections.tryOpen('alice'))).toEqual([true, true, false]);
    expect(connections.tryOpen('bob')).toBe(true);
    connections.close('alice');
    expect(connections.tryOpen('alice')).toBe(true);
    expect(connections.tryOpen('alice')).toBe(false);
  });

  it('forgets a user whose last connection closed', () => {
    const connections = new UserConnections(5);
    connections.tryOpen('alice');
    connections.tryOpen('alice');
    connections.close('alice');
    expect(connections.users).toBe(1);
    connections.close('alice');
    connections.close('alice');
    expect(connections.users).toBe(0);
  });
});
