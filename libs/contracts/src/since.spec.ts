import { describe, expect, it } from 'vitest';

import { MAX_SINCE_DURATION_MS, readSince } from './since';

describe('readSince', () => {
  it.each([
    ['1500ms', 1_500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['0s', 0],
    ['876000h', MAX_SINCE_DURATION_MS],
  ])('reads the duration %s', (value, ms) => expect(readSince(value)).toEqual({ kind: 'duration', ms }));

  it.each([
    ['2026-01-01T12:00:00Z', '2026-01-01T12:00:00.000Z'],
    ['2026-01-01t12:00:00z', '2026-01-01T12:00:00.000Z'],
    ['2026-01-01T12:00:00.123456789Z', '2026-01-01T12:00:00.123Z'],
    ['2026-01-01T12:00:00.5Z', '2026-01-01T12:00:00.500Z'],
    ['2026-01-01T14:30:00+02:30', '2026-01-01T12:00:00.000Z'],
    ['2025-12-31T23:00:00-13:00', '2026-01-01T12:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['0099-12-31T00:00:00Z', '0099-12-31T00:00:00.000Z'],
  ])('reads the date-time %s', (value, iso) => {
    const read = readSince(value);
    expect(read?.kind).toBe('time');
    expect(read?.kind === 'time' && new Date(read.at).toISOString()).toBe(iso);
  });

  it.each([
    ['a bare number', '5'],
    ['a number with a NUL before its unit', '5\u0000m'],
    ['a unit it does not know', '5d'],
    ['a negative duration', '-5m'],
    ['a fractional duration', '1.5h'],
    ['a duration with spaces', ' 5m'],
    ['a duration longer than 100 years', '876001h'],
    ['a huge duration', '9999999999999999h'],
    ['a day that does not exist', '2026-02-30T00:00:00Z'],
    ['February 29 of a common year', '2026-02-29T00:00:00Z'],
    ['February 29 of 1900', '1900-02-29T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['day 0', '2026-01-00T00:00:00Z'],
    ['hour 24', '2026-01-01T24:00:00Z'],
    ['a leap second', '2016-12-31T23:59:60Z'],
    ['an offset minute of 60', '2026-01-01T00:00:00+01:60'],
    ['a date alone', '2026-12-01'],
    ['a local time (no zone)', '2026-12-01T00:00:00'],
    ['a space instead of T', '2026-12-01 00:00:00Z'],
    ['an offset without a colon', '2026-12-01T00:00:00+0200'],
    ['what Date.parse reads loosely', 'Tue, 01 Dec 2026 00:00:00 GMT'],
    ['a trailing newline', '2026-12-01T00:00:00Z\n'],
    ['an empty string', ''],
  ])('refuses %s', (_what, value) => expect(readSince(value)).toBeUndefined());
});
