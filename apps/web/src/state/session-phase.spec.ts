import { describe, expect, it } from 'vitest';

import { nextSessionPhase, type SessionEvent, type SessionPhase } from './session-phase';

const run = (events: SessionEvent[], from: SessionPhase = { name: 'checking' }) => events.reduce(nextSessionPhase, from);

describe('nextSessionPhase', () => {
  it('asks for a token when there is none stored and no desktop session', () => {
    expect(run([{ type: 'no-token' }])).toEqual({ name: 'signed-out', reason: 'none' });
  });

  it('signs in with a token the gateway accepts', () => {
    expect(run([{ type: 'token' }, { type: 'connected' }])).toEqual({ name: 'signed-in' });
  });

  it('says a refused token was refused, and an unreachable gateway was unreachable', () => {
    expect(run([{ type: 'token' }, { type: 'connect-failed', code: 'unauthenticated' }])).toEqual({
      name: 'signed-out',
      reason: 'rejected',
    });
    expect(run([{ type: 'token' }, { type: 'connect-failed', code: 'connection_failed' }])).toEqual({
      name: 'signed-out',
      reason: 'unreachable',
    });
  });

  it('ends a session whose token expired or was revoked mid-stream on its own page', () => {
    expect(run([{ type: 'token' }, { type: 'connected' }, { type: 'auth-lost' }])).toEqual({ name: 'signed-out', reason: 'expired' });
  });

  it('signs out on request, and a late connect result does not sign back in', () => {
    expect(run([{ type: 'token' }, { type: 'connected' }, { type: 'sign-out' }, { type: 'connected' }])).toEqual({
      name: 'signed-out',
      reason: 'signed-out',
    });
  });
});
