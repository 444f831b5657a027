// Reads the text a Node Log Query answers for services: `journalctl --utc --output=short-precise`,
//   May 01 10:00:05.123456 node-a kubelet[1000]: Pod sync error
// Each entry becomes a line with an RFC 3339 time (microseconds, UTC), its identifier
// (`kubelet[1000]`) and its message; the host name is dropped (the target names the node).
// Indented continuation lines of a multi-line entry share its time and identifier. journalctl's own markers (`-- No entries
// --`, `-- Boot … --`) are dropped, and the kubelet's note that services resolved to log files
// (which take no options) is reported rather than shown as a log line.
//
// short-precise has no year: it is the year that puts the entry closest at or after `notBefore`
// (the query's sinceTime) when there is one, else closest at or before `notAfter` (untilTime or the
// time of reading), each with a day of slack for clocks that disagree.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ENTRY = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)\.(\d{6}) \S+ (.*)$/;
const MARKER = /^-- .* --$/;
const RESOLVED_TO_FILES = /^options present and query resolved to log files for \[/;
const DAY_MS = 86_400_000;

export interface YearReference {
  /** Epoch ms: entries are at or after this instant (the query's sinceTime). */
  readonly notBefore?: number;
  /** Epoch ms: entries are at or before this instant (untilTime, else the time of reading). */
  readonly notAfter: number;
}

export interface JournalLine {
  /** 20-digit nanoseconds since the epoch (a time cursor's first part). */
  readonly epochNanos: string;
  readonly ts: string;
  /** `kubelet[1000]`, as journalctl prints it; empty when the line has none. */
  readonly identifier: string;
  readonly message: string;
}

// journalctl's short formats: `identifier[pid]: message`, or `identifier: message` without a pid.
const IDENTIFIED = /^([^\s:[\]]+(?:\[\d+\])?): (.*)$/;

export interface JournalAnswer {
  /** Entries and their continuation lines, in journal order. */
  readonly lines: readonly JournalLine[];
  /** How many entries (not continuation lines) the answer held: what tailLines counts. */
  readonly entries: number;
  /** The kubelet answered that a service has no journal and resolved to a file under /var/log. */
  readonly resolvedToFiles: boolean;
  /** Lines that were none of the above (kubelet or journalctl errors); never shown, only counted. */
  readonly unrecognised: number;
}

export function parseJournalAnswer(text: readonly string[], years: YearReference): JournalAnswer {
  const lines: JournalLine[] = [];
  let entries = 0;
  let resolvedToFiles = false;
  let unrecognised = 0;
  let previous: JournalLine | undefined;
  for (const raw of text) {
    const entry = parseEntry(raw, years);
    if (entry !== undefined) {
      entries++;
      previous = entry;
      lines.push(entry);
    } else if (previous !== undefined && /^\s+\S/.test(raw)) {
      lines.push({ ...previous, message: raw.trimStart() });
    } else if (RESOLVED_TO_FILES.test(raw)) {
      resolvedToFiles = true;
    } else if (raw.trim() !== '' && !MARKER.test(raw) && raw !== 'try without specifying options') {
      unrecognised++;
    }
  }
  return { lines, entries, resolvedToFiles, unrecognised };
}

export function parseEntry(raw: string, years: YearReference): JournalLine | undefined {
  const match = ENTRY.exec(raw);
  if (match === null) return undefined;
  const [, monthName = '', day = '', hour = '', minute = '', second = '', micros = '', rest = ''] = match;
  const month = MONTHS.indexOf(monthName);
  const clock = [Number(day), Number(hour), Number(minute), Number(second)] as const;
  const year = inferYear(month, clock, years);
  if (year === undefined) return undefined;
  const ms = Date.UTC(year, month, ...clock);
  const epochSeconds = ms / 1000;
  const iso = new Date(ms).toISOString().slice(0, 19);
  const [, identifier = '', message = rest] = IDENTIFIED.exec(rest) ?? [];
  return { epochNanos: `${String(epochSeconds).padStart(11, '0')}${micros}000`, ts: `${iso}.${micros}Z`, identifier, message };
}

function inferYear(
  month: number,
  [day, hour, minute, second]: readonly [number, number, number, number],
  years: YearReference,
): number | undefined {
  const at = (year: number): number | undefined => {
    const ms = Date.UTC(year, month, day, hour, minute, second);
    // Feb 29 does not exist in every year (Date.UTC would roll it over into March).
    return new Date(ms).getUTCMonth() === month ? ms : undefined;
  };
  if (years.notBefore !== undefined) {
    const floor = years.notBefore - DAY_MS;
    for (let year = new Date(years.notBefore).getUTCFullYear() - 1, tries = 0; tries < 6; year++, tries++) {
      const ms = at(year);
      if (ms !== undefined && ms >= floor) return year;
    }
    return undefined;
  }
  const ceiling = years.notAfter + DAY_MS;
  for (let year = new Date(years.notAfter).getUTCFullYear() + 1, tries = 0; tries < 6; year--, tries++) {
    const ms = at(year);
    if (ms !== undefined && ms <= ceiling) return year;
  }
  return undefined;
}
