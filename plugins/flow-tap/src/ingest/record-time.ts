// A record's time as RFC 3339 in UTC with nine fraction digits, whichever way the shipper wrote it:
// `time` as the CRI/docker parsers keep it (`2024-05-01T10:00:00.123456789Z`, nanoseconds kept),
// or fluent-bit's `date` (epoch seconds as a double by default, or its iso8601 string format).
// Anything else (epoch_ms, java_sql_timestamp without a zone, a leap second, year 10000) is no time.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,32}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: outside them a year no longer has four digits. */
const MIN_EPOCH_SECONDS = -62_167_219_200;
const MAX_EPOCH_SECONDS = 253_402_300_799;

/** From `time`, else from `date`; undefined when neither is a valid time. */
export function recordTime(time: unknown, date: unknown): string | undefined {
  const fromTime = typeof time === 'string' ? rfc3339ToUtcNanos(time) : undefined;
  if (fromTime !== undefined) return fromTime;
  if (typeof date === 'number') return epochSecondsToUtcNanos(date);
  if (typeof date === 'string') return rfc3339ToUtcNanos(date);
  return undefined;
}

/** `2024-05-01T12:00:00.5+02:00` → `2024-05-01T10:00:00.500000000Z`; extra fraction digits are cut, not rounded. */
export function rfc3339ToUtcNanos(text: string): string | undefined {
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [, , , , , , , fraction = '', zulu, sign, offsetHours = '0', offsetMinutes = '0'] = match;
  if (hour > 23 || minute > 59 || second > 59 || Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined;
  // setUTCFullYear, not Date.UTC: the latter reads years 0–99 as 1900–1999.
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  if (local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day) return undefined;
  local.setUTCHours(hour, minute, second);
  const offset = zulu === undefined ? (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) : 0;
  return utcNanos(local.getTime() / 1000 - offset * 60, fraction.slice(0, 9).padEnd(9, '0'));
}

/**
 * fluent-bit's default `date`, e.g. 1700000000.123456. A double holds about microseconds at
 * today's epochs, so the fraction is rounded to microseconds rather than showing float noise.
 */
export function epochSecondsToUtcNanos(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  let whole = Math.floor(seconds);
  let micros = Math.round((seconds - whole) * 1e6);
  if (micros === 1e6) {
    whole += 1;
    micros = 0;
  }
  return utcNanos(whole, `${String(micros).padStart(6, '0')}000`);
}

function utcNanos(epochSeconds: number, nanos: string): string | undefined {
  if (epochSeconds < MIN_EPOCH_SECONDS || epochSeconds > MAX_EPOCH_SECONDS) return undefined;
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 19)}.${nanos}Z`;
}
