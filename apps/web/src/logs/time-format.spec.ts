import { describe, expect, it } from 'vitest';

import { formatTimestamp, isValidTimeZone } from './time-format';

describe('formatTimestamp', () => {
  it('shows UTC and IANA zones to the millisecond', () => {
    expect(formatTimestamp('2026-12-07T10:04:05.123456789Z', 'UTC')).toBe('2026-12-07 10:04:05.123');
    expect(formatTimestamp('2026-12-07T10:04:05Z', 'Asia/Kolkata')).toBe('2026-12-07 15:34:05.000');
    expect(formatTimestamp('2026-07-01T23:30:00+02:00', 'America/New_York')).toBe('2026-07-01 17:30:00.000');
  });

  it('shows what is not a timestamp as it is', () => {
    expect(formatTimestamp('not a time', 'UTC')).toBe('not a time');
  });

  it('knows real zones from made-up ones', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('local')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
