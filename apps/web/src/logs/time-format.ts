// Timestamps as the user chose to read them: local time, UTC, or any IANA zone, through Intl.
// RFC 3339 nanoseconds are kept to milliseconds on screen; the raw `ts` is in downloads.

export type TimeZoneChoice = 'local' | 'UTC' | (string & {});

/** Whether Intl knows `zone` (an IANA name such as `Europe/Paris`). */
export function isValidTimeZone(zone: string): boolean {
  if (zone === 'local' || zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: TimeZoneChoice): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      ...(zone === 'local' ? {} : { timeZone: zone }),
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      fractionalSecondDigits: 3,
      hourCycle: 'h23',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** `2026-12-07 18:04:05.123` in `zone`; the raw text when it is not a timestamp. */
export function formatTimestamp(ts: string, zone: TimeZoneChoice): string {
  const millis = Date.parse(ts);
  if (Number.isNaN(millis)) return ts;
  const parts: Record<string, string> = {};
  for (const part of formatterFor(zone).formatToParts(millis)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}.${parts.fractionalSecond}`;
}
