// The sign-in state as one explicit phase with a pure transition: the page shows exactly one
// screen per phase, and each way of losing a session (refused token, expiry or revocation
// mid-stream, signing out) has its own words.

export type SignedOutReason = 'none' | 'signed-out' | 'rejected' | 'expired' | 'unreachable';

export type SessionPhase =
  | { readonly name: 'checking' }
  | { readonly name: 'signed-out'; readonly reason: SignedOutReason }
  | { readonly name: 'connecting' }
  | { readonly name: 'signed-in' };

export type SessionEvent =
  | { readonly type: 'no-token' }
  | { readonly type: 'token' }
  | { readonly type: 'connected' }
  /** `connect()` failed with this TailgateError code. */
  | { readonly type: 'connect-failed'; readonly code: string }
  /** The server ended the session: a token that expired or was revoked. */
  | { readonly type: 'auth-lost' }
  | { readonly type: 'sign-out' };

export function nextSessionPhase(phase: SessionPhase, event: SessionEvent): SessionPhase {
  switch (event.type) {
    case 'no-token':
      return phase.name === 'checking' ? { name: 'signed-out', reason: 'none' } : phase;
    case 'token':
      return { name: 'connecting' };
    case 'connected':
      return phase.name === 'connecting' ? { name: 'signed-in' } : phase;
    case 'connect-failed':
      if (phase.name !== 'connecting') return phase;
      return { name: 'signed-out', reason: event.code === 'unauthenticated' ? 'rejected' : 'unreachable' };
    case 'auth-lost':
      return phase.name === 'signed-in' || phase.name === 'connecting' ? { name: 'signed-out', reason: 'expired' } : phase;
    case 'sign-out':
      return { name: 'signed-out', reason: 'signed-out' };
  }
}
