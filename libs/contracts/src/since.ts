// `since` of a subscribe request, read in one place for the schema and the gateway: an RFC 3339
// date-time with a zone on a real calendar date (`2026-01-01T12:00:00Z`, `…+02:00`), or a
// duration back from now with a unit (`1500ms`, `30s`, `5m`, `2h`). Nothing else: no bare
// numbers, no dates without a time, no local times, no leap seconds, no control characters.

export type SinceValue =
  { readonly kind: 'duration'; readonly ms: number } | { readonly kind: 'time'; /** Epoch milliseconds. */ readonly at: number };

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** The longest duration accepted: 100 years (876000h). */
export const MAX_SINCE_DURATION_MS = 876_000 * UNIT_MS.h;

const DURATION = /^(\d{1,16})(ms|s|m|h)$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** What `value` means, or undefined when it is not a `since` the protocol accepts. */
export function readSince(value: string): SinceValue | undefined {
  const duration = DURATION.exec(value);
  if (duration) {
    const ms = Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
    return ms <= MAX_SINCE_DURATION_MS ? { kind: 'duration', ms } : undefined;
  }
  const time = DATE_TIME.exec(value);
  return time ? readDateTime(time) : undefined;
}

function readDateTime(match: RegExpExecArray): SinceValue | undefined {
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = match[7] ?? '';
  const sign = match[8] === '-' ? -1 : 1;
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysIn(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59;
  if (!valid) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number(fraction.slice(0, 3).padEnd(3, '0')));
  return { kind: 'time', at: date.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000 };
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
