// stern's --since takes a Go duration ("48h", "1h30m", "90s", "1.5h", "300ms"); the protocol wants
// one number and a unit. Parsed here to milliseconds (sub-millisecond parts are dropped).
const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Milliseconds, or undefined for text that is not a Go duration (a sign is not accepted). */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  let ms = 0;
  let i = 0;
  while (i < text.length) {
    PART.lastIndex = i;
    const match = PART.exec(text);
    if (match === null) return undefined;
    ms += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    i = PART.lastIndex;
  }
  return i === 0 ? undefined : Math.floor(ms);
}

/** The protocol's spelling of a duration: the largest unit that divides it exactly. */
export function protocolDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
