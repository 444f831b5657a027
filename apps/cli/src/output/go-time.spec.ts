import { describe, expect, it } from 'vitest';

import { compileLayout, formatTime, inZone, loadZone, parseRfc3339, RFC3339_NANO_LAYOUT, timeString, UTC_ZONE } from './go-time';

const at = (text: string) => {
  const time = parseRfc3339(text);
  if (time === undefined) throw new Error(`not RFC 3339: ${text}`);
  return time;
};
const format = (text: string, layout: string, zone = 'UTC') => formatTime(inZone(at(text), loadZone(zone)!), compileLayout(layout));

describe('Go time layouts', () => {
  it("formats stern's default layout with nine fraction digits and Z for UTC", () => {
    expect(format('2026-03-04T05:06:07.123Z', '2006-01-02T15:04:05.000000000Z07:00')).toBe('2026-03-04T05:06:07.123000000Z');
  });

  it("formats stern's short layout", () => {
    expect(format('2026-03-04T05:06:07.123456789Z', '01-02 15:04:05')).toBe('03-04 05:06:07');
  });

  it('shows an instant in an IANA zone, with its offset', () => {
    expect(format('2026-12-31T20:00:00.5Z', '2006-01-02T15:04:05.000000000Z07:00', 'Asia/Tokyo')).toBe(
      '2027-01-01T05:00:00.500000000+09:00',
    );
    expect(format('2026-07-01T12:00:00Z', '15:04 -0700 MST', 'America/New_York')).toBe('08:00 -0400 EDT');
    expect(format('2026-01-15T12:00:00Z', '15:04 Z07:00', 'America/New_York')).toBe('07:00 -05:00');
  });

  it('follows daylight saving time across a transition', () => {
    expect(format('2026-03-29T00:59:59Z', '15:04:05', 'Europe/Berlin')).toBe('01:59:59');
    expect(format('2026-03-29T01:00:00Z', '15:04:05', 'Europe/Berlin')).toBe('03:00:00');
  });

  it('formats names, 12-hour clocks, trimmed fractions and padded days', () => {
    expect(format('2026-02-03T15:04:05.120Z', 'Monday, January _2 2006 3:04:05.999 PM')).toBe('Tuesday, February  3 2026 3:04:05.12 PM');
    expect(format('2026-02-03T00:04:05Z', 'Mon Jan 2 03 pm .999')).toBe('Tue Feb 3 12 am ');
  });

  it('keeps the offset written in the text, as Go parses RFC 3339', () => {
    expect(formatTime(at('2026-01-01T09:00:00.000000001+09:00'), RFC3339_NANO_LAYOUT)).toBe('2026-01-01T09:00:00.000000001+09:00');
    expect(timeString(inZone(at('2026-01-01T09:00:00+09:00'), UTC_ZONE))).toBe('2026-01-01 00:00:00 +0000 UTC');
  });

  it('refuses text that is not RFC 3339 and zones that do not exist', () => {
    expect(parseRfc3339('2026-01-01')).toBeUndefined();
    expect(parseRfc3339('yesterday')).toBeUndefined();
    expect(loadZone('Mars/Olympus')).toBeUndefined();
    expect(loadZone('')).toBe(UTC_ZONE);
  });
});
