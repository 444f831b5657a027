// Light, dark or the system's choice.
import { type Theme, THEMES } from '../state/theme';

const LABELS: Readonly<Record<Theme, string>> = { system: 'System theme', light: 'Light', dark: 'Dark' };

export function ThemePicker({ theme, onChange }: { theme: Theme; onChange: (theme: Theme) => void }) {
  return (
    <select
      aria-label="Theme"
      data-testid="theme-picker"
      value={theme}
      onChange={(event) => onChange(THEMES.find((t) => t === event.target.value) ?? 'system')}
    >
      {THEMES.map((t) => (
        <option key={t} value={t}>
          {LABELS[t]}
        </option>
      ))}
    </select>
  );
}
