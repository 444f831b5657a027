// Record timestamps as sortable keys. RFC 3339 strings with different zones or fraction lengths do
// not sort as text, and a Date keeps only milliseconds, so a key is whole seconds since the epoch
// plus nanoseconds — compared as a pair, never as one float (that would lose the nanoseconds).

export interface TimestampKey {
  readonly seconds: number;
  readonly nanos: number;
}

export const EARLIEST: TimestampKey = { seconds: Number.NEGATIVE_INFINITY, nanos: 0 };

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9})\d*)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The key of an RFC 3339 timestamp, or undefined when `ts` is not one. */
export function timestampKey(ts: string): TimestampKey | undefined {
  const match = RFC3339.exec(ts);
  if (!match) return undefined;
  const [, date, time, fraction = '', zone = 'Z'] = match;
  const millis = Date.parse(`${date}T${time}${zone.toUpperCase()}`);
  if (Number.isNaN(millis)) return undefined;
  return { seconds: Math.floor(millis / 1000), nanos: Number(fraction.padEnd(9, '0')) };
}

export function compareTimestampKeys(a: TimestampKey, b: TimestampKey): number {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  return a.nanos - b.nanos;
}

export function laterOf(a: TimestampKey, b: TimestampKey): TimestampKey {
  return compareTimestampKeys(a, b) >= 0 ? a : b;
}
