// meta/v1 MicroTime, the format of every audit timestamp: RFC 3339 in UTC with exactly six
// fractional digits (Go layout `2006-01-02T15:04:05.000000Z07:00`). A Date holds milliseconds,
// so the last three digits are zero unless the caller passes the sub-millisecond part.

/** `at` in MicroTime form; `extraMicros` (0–999) adds precision a Date cannot hold. */
export function formatMicroTime(at: Date, extraMicros = 0): string {
  const millis = at.getTime();
  if (!Number.isFinite(millis)) throw new RangeError('formatMicroTime: invalid date');
  if (!Number.isInteger(extraMicros) || extraMicros < 0 || extraMicros > 999) {
    throw new RangeError(`formatMicroTime: extraMicros must be an integer in 0..999, got ${extraMicros}`);
  }
  const iso = at.toISOString(); // always UTC, `YYYY-MM-DDTHH:mm:ss.sssZ`
  return `${iso.slice(0, 23)}${String(extraMicros).padStart(3, '0')}Z`;
}
