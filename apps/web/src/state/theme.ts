// Light, dark, or following the system (the default). What shows is a `data-theme` attribute on
// <html>, `light` or `dark` — `system` resolved here from `prefers-color-scheme`, and again when
// that changes — so the CSS holds each palette once.
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const KEY = 'tailgate.theme';

export function loadTheme(): Theme {
  try {
    const stored = localStorage.getItem(KEY);
    return THEMES.find((theme) => theme === stored) ?? 'system';
  } catch {
    return 'system';
  }
}

/** Shows `theme` and remembers it; returns how to stop following the system (for `system`). */
export function applyTheme(theme: Theme): () => void {
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Not remembered across visits; applied all the same.
  }
  const root = document.documentElement;
  if (theme !== 'system') {
    root.dataset.theme = theme;
    return () => undefined;
  }
  const prefersDark = window.matchMedia('(prefers-color-scheme: dark)');
  const follow = (): void => {
    root.dataset.theme = prefersDark.matches ? 'dark' : 'light';
  };
  follow();
  prefersDark.addEventListener('change', follow);
  return () => prefersDark.removeEventListener('change', follow);
}
