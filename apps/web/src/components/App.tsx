// The page: the session (a stored or desktop-mode token, or the sign-in form), the theme, and the
// log console once signed in. A token the server stops accepting mid-stream ends on its own page.
import { connect, type TailgateClient } from '@tailgate/client';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';

import { fetchSessionToken } from '../api/session-token';
import { nextSessionPhase } from '../state/session-phase';
import { applyTheme, loadTheme, type Theme } from '../state/theme';
import { forgetToken, loadToken, saveToken } from '../state/token-storage';
import { LogConsole } from './LogConsole';
import { SignInPage } from './SignInPage';
import { ThemePicker } from './ThemePicker';

export function App({ base }: { base: string }) {
  const [phase, dispatch] = useReducer(nextSessionPhase, { name: 'checking' });
  const [client, setClient] = useState<TailgateClient>();
  const [token, setToken] = useState<string>();
  const [theme, setTheme] = useState<Theme>(loadTheme);
  const clientRef = useRef<TailgateClient | undefined>(undefined);

  useEffect(() => applyTheme(theme), [theme]);

  const dropClient = useCallback(() => {
    clientRef.current?.close();
    clientRef.current = undefined;
    setClient(undefined);
    setToken(undefined);
  }, []);

  const authLost = useCallback(() => {
    dropClient();
    forgetToken();
    dispatch({ type: 'auth-lost' });
  }, [dropClient]);

  const signIn = useCallback(
    async (next: string, remember: boolean) => {
      dispatch({ type: 'token' });
      try {
        const connected = await connect({ url: base, token: next });
        connected.on('error', (error) => {
          if (error.code === 'unauthenticated') authLost();
        });
        clientRef.current = connected;
        if (remember) saveToken(next);
        setToken(next);
        setClient(connected);
        dispatch({ type: 'connected' });
      } catch (error) {
        forgetToken();
        const code = (error as { code?: unknown }).code;
        dispatch({ type: 'connect-failed', code: typeof code === 'string' ? code : 'internal' });
      }
    },
    [base, authLost],
  );

  useEffect(() => {
    const stored = loadToken();
    if (stored !== undefined) {
      void signIn(stored, true);
      return;
    }
    const abort = new AbortController();
    void fetchSessionToken(base, abort.signal).then((desktop) => {
      if (abort.signal.aborted) return;
      if (desktop === undefined) dispatch({ type: 'no-token' });
      else void signIn(desktop, false);
    });
    return () => abort.abort();
  }, [base, signIn]);

  useEffect(() => () => clientRef.current?.close(), []);

  const signOut = () => {
    dropClient();
    forgetToken();
    dispatch({ type: 'sign-out' });
  };

  return (
    <div className="app" data-testid="app" data-session={phase.name}>
      <header className="app-header">
        <span className="brand">Tailgate</span>
        <span className="spacer" />
        <ThemePicker theme={theme} onChange={setTheme} />
        {phase.name === 'signed-in' && (
          <button type="button" onClick={signOut} data-testid="sign-out">
            Sign out
          </button>
        )}
      </header>
      {phase.name === 'checking' || phase.name === 'connecting' ? (
        <main className="sign-in" aria-busy="true" data-testid="connecting">
          <p>Connecting…</p>
        </main>
      ) : phase.name === 'signed-out' ? (
        <SignInPage reason={phase.reason} onSignIn={(t) => void signIn(t, true)} />
      ) : client !== undefined && token !== undefined ? (
        <LogConsole client={client} base={base} token={token} onSessionLost={authLost} />
      ) : null}
    </div>
  );
}
