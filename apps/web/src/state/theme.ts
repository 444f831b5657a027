// Light, dark, or following the system (the default). The choice is a `data-theme` attribute on
// <html>; the CSS does the rest, including following `prefers-color-scheme` for `system`.
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

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Not remembered across visits; applied all the same.
  }
}
