import { describe, expect, it } from 'vitest';

import { AgentSessionKeys } from './agent-session-keys';

const TTL = 60_000;

describe('agent session key epochs', () => {
  it('accept the previous, the current and (a replica whose clock is behind the issuer) the next epoch, nothing further', () => {
    const now = { ms: 10 * TTL + 30_000 };
    const keys = new AgentSessionKeys(Buffer.alloc(32, 1), TTL, () => now.ms);
    expect([8, 9, 10, 11, 12].map((epoch) => keys.accepts(epoch))).toEqual([false, true, true, true, false]);
  });

  it('take a key issued by a replica just past the epoch boundary in a replica a second behind it', () => {
    const issuerNow = { ms: 11 * TTL + 200 };
    const behindNow = { ms: issuerNow.ms - 1_000 };
    const secret = Buffer.alloc(32, 2);
    const issued = new AgentSessionKeys(secret, TTL, () => issuerNow.ms).sessionFor('node-a');
    const behind = new AgentSessionKeys(secret, TTL, () => behindNow.ms);
    expect(behind.epochNow()).toBe(issued.epoch - 1);
    expect(behind.accepts(issued.epoch)).toBe(true);
    expect(behind.key('node-a', issued.epoch).toString('base64url')).toBe(issued.key);
  });
});
