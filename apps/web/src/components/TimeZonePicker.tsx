// Local time, UTC, or any IANA zone Intl knows (checked as it is typed; an unknown zone is
// flagged and not applied).
import { useState } from 'react';

import { isValidTimeZone } from '../logs/time-format';

const OTHER = 'other';

export function TimeZonePicker({ zone, onChange }: { zone: string; onChange: (zone: string) => void }) {
  const [custom, setCustom] = useState(zone === 'local' || zone === 'UTC' ? '' : zone);
  const mode = zone === 'local' || zone === 'UTC' ? zone : OTHER;
  const customValid = custom !== '' && isValidTimeZone(custom);
  return (
    <span className="time-zone">
      <select
        aria-label="Time zone"
        value={mode}
        onChange={(event) => {
          const value = event.target.value;
          if (value !== OTHER) onChange(value);
          else if (customValid) onChange(custom);
          else setCustom(Intl.DateTimeFormat().resolvedOptions().timeZone);
        }}
        data-testid="time-zone-picker"
      >
        <option value="local">Local time</option>
        <option value="UTC">UTC</option>
        <option value={OTHER}>Other zone…</option>
      </select>
      {(mode === OTHER || custom !== '') && (
        <input
          aria-label="IANA time zone"
          placeholder="Europe/Paris"
          value={custom}
          aria-invalid={custom !== '' && !customValid ? true : undefined}
          onChange={(event) => {
            const value = event.target.value.trim();
            setCustom(value);
            if (value !== '' && isValidTimeZone(value)) onChange(value);
          }}
          data-testid="time-zone-input"
          spellCheck={false}
        />
      )}
    </span>
  );
}
