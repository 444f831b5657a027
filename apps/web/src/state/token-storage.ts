// Where a pasted token is kept: this tab's sessionStorage (gone when the tab closes), never the
// URL, never localStorage. A desktop-mode token is not stored: the gateway hands it out again.
const KEY = 'tailgate.token';

export function loadToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveToken(token: string): void {
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    // Storage disabled: the token stays in memory for this page only.
  }
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}
