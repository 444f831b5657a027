// The signed-out screen: why the user is here (never signed in, signed out, a token refused, a
// session that expired or was revoked mid-stream, no gateway) and a form to paste a bearer token.
import { type FormEvent, useId, useState } from 'react';

import type { SignedOutReason } from '../state/session-phase';

const REASON_TEXT: Readonly<Record<SignedOutReason, { title: string; detail: string }>> = {
  none: { title: 'Sign in', detail: 'Paste a bearer token to read the logs you are allowed to see.' },
  'signed-out': { title: 'Signed out', detail: 'Your token was forgotten by this tab. Paste a token to sign in again.' },
  rejected: { title: 'Not signed in', detail: 'The gateway did not accept that token (unauthenticated). Check it and try again.' },
  expired: {
    title: 'Your session ended',
    detail: 'Your token expired or was revoked while you were watching. Sign in again with a valid token.',
  },
  unreachable: { title: 'Gateway unreachable', detail: 'The gateway could not be reached. Try again in a moment.' },
};

export function SignInPage({ reason, onSignIn }: { reason: SignedOutReason; onSignIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  const inputId = useId();
  const text = REASON_TEXT[reason];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = token.trim();
    if (trimmed !== '') onSignIn(trimmed);
  };
  return (
    <main className="sign-in" data-testid="sign-in-page" data-reason={reason}>
      <h1>{text.title}</h1>
      <p role={reason === 'none' ? undefined : 'alert'} data-testid="sign-in-reason">
        {text.detail}
      </p>
      <form onSubmit={submit} aria-label="Sign in with a token">
        <label htmlFor={inputId}>Bearer token</label>
        <input
          id={inputId}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(event) => setToken(event.target.value)}
          data-testid="token-input"
          autoFocus
        />
        <button type="submit" data-testid="sign-in-button" disabled={token.trim() === ''}>
          Sign in
        </button>
      </form>
      <p className="hint">The token stays in this tab (session storage) and is never put in a link.</p>
    </main>
  );
}
