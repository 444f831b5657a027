import type { AuthenticationResult } from '@tailgate/plugin-sdk';
import { silentLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import type { LogsSocket } from '../wire/logs-socket';
import type { SubscriptionService } from '../streams/subscription.service';
import type { AuthenticationService } from '../auth/authentication.service';
import { SessionReview } from './session-review';

function socket(id: string, token: string, expiresAt?: number) {
  const state = { disconnected: false };
  const s = {
    id,
    connected: true,
    data: { token, subject: { user: id, groups: [] }, subscriptions: new Set<string>(), ...(expiresAt !== undefined && { expiresAt }) },
    disconnect() {
      state.disconnected = true;
      s.connected = false;
    },
  };
  return { socket: s as unknown as LogsSocket, state };
}

function review(sockets: LogsSocket[], validTokens: string[], now = 1_000) {
  const ended: string[] = [];
  const authentication = {
    authenticate: (token: string | undefined): Promise<AuthenticationResult> =>
      Promise.resolve(validTokens.includes(token ?? '') ? { ok: true, subject: { user: 'u', groups: [] } } : { ok: false, reason: 'no' }),
  } as AuthenticationService;
  const subscriptions = {
    sockets: () => sockets,
    endAll: (s: LogsSocket, reason: string) => ended.push(`${s.id}:${reason}`),
  } as unknown as SubscriptionService;
  return { reviewer: new SessionReview(authentication, subscriptions, silentLogger, () => now), ended };
}

describe('SessionReview', () => {
  it('ends and disconnects sockets whose token is no longer accepted, and leaves the others', async () => {
    const good = socket('good', 'valid');
    const revoked = socket('revoked', 'revoked-token');
    const { reviewer, ended } = review([good.socket, revoked.socket], ['valid']);
    await reviewer.reviewAll();
    expect(ended).toEqual(['revoked:unauthenticated']);
    expect(revoked.state.disconnected).toBe(true);
    expect(good.state.disconnected).toBe(false);
  });

  it('ends sockets whose credentials expired even if the token would still be accepted', async () => {
    const expired = socket('expired', 'valid', 999);
    const fresh = socket('fresh', 'valid', 5_000);
    const { reviewer, ended } = review([expired.socket, fresh.socket], ['valid'], 1_000);
    await reviewer.reviewAll();
    expect(ended).toEqual(['expired:unauthenticated']);
    expect(fresh.state.disconnected).toBe(false);
  });
});
