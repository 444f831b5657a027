// `since` of a subscribe request: an RFC 3339 time, or a duration back from now (`30s`, `5m`, `2h`).
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function parseSince(since: string, now: number = Date.now()): Date {
  const duration = /^(\d+)(ms|s|m|h)$/.exec(since);
  if (duration) return new Date(now - Number(duration[1]) * (UNIT_MS[duration[2] as string] ?? 0));
  return new Date(Date.parse(since));
}
