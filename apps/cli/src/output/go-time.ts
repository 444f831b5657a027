// Instants and time zones as stern's templates see them (Go's time.Time): parsed from RFC 3339
// with nanoseconds, shown in any IANA zone through Intl (no tz database of our own), and
// formatted with Go reference layouts ("2006-01-02T15:04:05.000000000Z07:00"). Layouts compile
// once; formatting a record allocates only the resulting string.

/** An instant with nanosecond precision, in a zone. */
export class GoTime {
  constructor(
    /** Whole seconds since the Unix epoch (floor). */
    readonly sec: number,
    /** 0–999,999,999. */
    readonly nsec: number,
    readonly zone: GoZone,
  ) {}
}

/** A zone: a fixed offset, or an IANA zone whose offset Intl computes per instant. */
export interface GoZone {
  offsetAt(sec: number): number;
  abbreviationAt(sec: number): string;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

export function fixedZone(offsetSeconds: number, name = ''): GoZone {
  const abbreviation = name !== '' ? name : offsetName(offsetSeconds);
  return { offsetAt: () => offsetSeconds, abbreviationAt: () => abbreviation };
}

export const UTC_ZONE = fixedZone(0, 'UTC');

/** Parses RFC 3339 (up to nanoseconds); the zone is the offset written in the text, as Go keeps it. */
export function parseRfc3339(text: string): GoTime | undefined {
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const nsec = Number((match[7] ?? '').padEnd(9, '0'));
  const offset = match[8] !== undefined ? 0 : (match[9] === '-' ? -1 : 1) * (Number(match[10]) * 3600 + Number(match[11]) * 60);
  const sec = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return new GoTime(sec, nsec, match[8] !== undefined ? UTC_ZONE : fixedZone(offset));
}

export function timeFromEpochSeconds(seconds: number, zone: GoZone = UTC_ZONE): GoTime {
  const sec = Math.floor(seconds);
  return new GoTime(sec, Math.min(999_999_999, Math.round((seconds - sec) * 1e9)), zone);
}

export function inZone(time: GoTime, zone: GoZone): GoTime {
  return new GoTime(time.sec, time.nsec, zone);
}

const zoneCache = new Map<string, GoZone>();

/**
 * `Local` (the process's zone, from TZ), `UTC` or `""` (UTC, as Go's LoadLocation), or an IANA
 * name. Undefined for an unknown zone.
 */
export function loadZone(name: string): GoZone | undefined {
  if (name === '' || name === 'UTC') return UTC_ZONE;
  const cached = zoneCache.get(name);
  if (cached) return cached;
  const iana = name === 'Local' ? new Intl.DateTimeFormat().resolvedOptions().timeZone : name;
  let zone: GoZone;
  try {
    zone = intlZone(iana);
  } catch {
    return undefined;
  }
  zoneCache.set(name, zone);
  return zone;
}

/** Offsets only change on quarter-hour boundaries, so one Intl call serves a quarter hour of records. */
function intlZone(timeZone: string): GoZone {
  const offsets = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  const abbreviations = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' });
  const offsetCache = new Map<number, number>();
  const offsetAt = (sec: number): number => {
    const bucket = Math.floor(sec / 900);
    let offset = offsetCache.get(bucket);
    if (offset === undefined) {
      const name = offsets.formatToParts(sec * 1000).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
      const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
      offset = match === null ? 0 : (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 3600 + Number(match[3]) * 60);
      if (offsetCache.size > 10_000) offsetCache.clear();
      offsetCache.set(bucket, offset);
    }
    return offset;
  };
  const abbreviationAt = (sec: number): string => {
    const name = abbreviations.formatToParts(sec * 1000).find((part) => part.type === 'timeZoneName')?.value ?? '';
    // Where a zone has no abbreviation Intl says "GMT+9"; Go prints the offset ("+09") then.
    return name.startsWith('GMT') && name.length > 3
      ? offsetName(offsetAt(sec), true)
      : name === 'GMT' && timeZone !== 'GMT'
        ? 'UTC'
        : name;
  };
  return { offsetAt, abbreviationAt };
}

function offsetName(offsetSeconds: number, short = false): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const hours = pad2(Math.floor(abs / 3600));
  const minutes = Math.floor((abs % 3600) / 60);
  return short && minutes === 0 ? `${sign}${hours}` : `${sign}${hours}${pad2(minutes)}`;
}

// --- layouts -------------------------------------------------------------------------------

type Chunk =
  | { readonly t: 'lit'; readonly text: string }
  | { readonly t: 'year' | 'year2' | 'month' | 'month0' | 'monthShort' | 'monthLong' | 'day' | 'day0' | 'dayPad' }
  | { readonly t: 'yday0' | 'ydayPad' | 'weekShort' | 'weekLong' | 'hour' | 'hour12' | 'hour120' | 'minute' | 'minute0' }
  | { readonly t: 'second' | 'second0' | 'PM' | 'pm' | 'zoneName' }
  | { readonly t: 'offset'; readonly z: boolean; readonly colon: boolean; readonly minutes: boolean; readonly seconds: boolean }
  | { readonly t: 'fraction'; readonly digits: number; readonly trim: boolean; readonly sep: string };

export interface GoLayout {
  readonly chunks: readonly Chunk[];
}

const FIXED_CHUNKS: readonly (readonly [string, Chunk])[] = [
  ['January', { t: 'monthLong' }],
  ['Jan', { t: 'monthShort' }],
  ['Monday', { t: 'weekLong' }],
  ['Mon', { t: 'weekShort' }],
  ['MST', { t: 'zoneName' }],
  ['2006', { t: 'year' }],
  ['002', { t: 'yday0' }],
  ['01', { t: 'month0' }],
  ['02', { t: 'day0' }],
  ['03', { t: 'hour120' }],
  ['04', { t: 'minute0' }],
  ['05', { t: 'second0' }],
  ['06', { t: 'year2' }],
  ['15', { t: 'hour' }],
  ['__2', { t: 'ydayPad' }],
  ['_2', { t: 'dayPad' }],
  ['1', { t: 'month' }],
  ['2', { t: 'day' }],
  ['3', { t: 'hour12' }],
  ['4', { t: 'minute' }],
  ['5', { t: 'second' }],
  ['PM', { t: 'PM' }],
  ['pm', { t: 'pm' }],
  ['Z07:00:00', { t: 'offset', z: true, colon: true, minutes: true, seconds: true }],
  ['-07:00:00', { t: 'offset', z: false, colon: true, minutes: true, seconds: true }],
  ['Z070000', { t: 'offset', z: true, colon: false, minutes: true, seconds: true }],
  ['-070000', { t: 'offset', z: false, colon: false, minutes: true, seconds: true }],
  ['Z07:00', { t: 'offset', z: true, colon: true, minutes: true, seconds: false }],
  ['-07:00', { t: 'offset', z: false, colon: true, minutes: true, seconds: false }],
  ['Z0700', { t: 'offset', z: true, colon: false, minutes: true, seconds: false }],
  ['-0700', { t: 'offset', z: false, colon: false, minutes: true, seconds: false }],
  ['Z07', { t: 'offset', z: true, colon: false, minutes: false, seconds: false }],
  ['-07', { t: 'offset', z: false, colon: false, minutes: false, seconds: false }],
];

/** Compiles a Go reference layout once. */
export function compileLayout(layout: string): GoLayout {
  const chunks: Chunk[] = [];
  let literal = '';
  let i = 0;
  outer: while (i < layout.length) {
    const fraction = fractionAt(layout, i);
    if (fraction) {
      if (literal) chunks.push({ t: 'lit', text: literal });
      literal = '';
      chunks.push(fraction.chunk);
      i += fraction.length;
      continue;
    }
    for (const [token, chunk] of FIXED_CHUNKS) {
      if (layout.startsWith(token, i)) {
        if (literal) chunks.push({ t: 'lit', text: literal });
        literal = '';
        chunks.push(chunk);
        i += token.length;
        continue outer;
      }
    }
    literal += layout[i];
    i += 1;
  }
  if (literal) chunks.push({ t: 'lit', text: literal });
  return { chunks };
}

function fractionAt(layout: string, i: number): { chunk: Chunk; length: number } | undefined {
  const sep = layout[i];
  const digit = layout[i + 1];
  if ((sep !== '.' && sep !== ',') || (digit !== '0' && digit !== '9')) return undefined;
  let j = i + 1;
  while (layout[j] === digit) j += 1;
  // As Go: a run of 0s or 9s is a fraction only when no other digit follows it.
  if (j < layout.length && /\d/.test(layout[j] as string)) return undefined;
  return { chunk: { t: 'fraction', digits: Math.min(j - i - 1, 9), trim: digit === '9', sep }, length: j - i };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function formatTime(time: GoTime, layout: GoLayout): string {
  const offset = time.zone.offsetAt(time.sec);
  const local = time.sec + offset;
  const days = Math.floor(local / 86400);
  const secOfDay = local - days * 86400;
  const [year, month, day] = civilFromDays(days);
  const hour = Math.floor(secOfDay / 3600);
  const minute = Math.floor((secOfDay % 3600) / 60);
  const second = secOfDay % 60;
  let out = '';
  for (const chunk of layout.chunks) {
    switch (chunk.t) {
      case 'lit':
        out += chunk.text;
        break;
      case 'year':
        out += String(year).padStart(4, '0');
        break;
      case 'year2':
        out += pad2(year % 100);
        break;
      case 'month':
        out += String(month);
        break;
      case 'month0':
        out += pad2(month);
        break;
      case 'monthShort':
        out += (MONTHS[month - 1] as string).slice(0, 3);
        break;
      case 'monthLong':
        out += MONTHS[month - 1] as string;
        break;
      case 'day':
        out += String(day);
        break;
      case 'day0':
        out += pad2(day);
        break;
      case 'dayPad':
        out += String(day).padStart(2, ' ');
        break;
      case 'yday0':
      case 'ydayPad': {
        const yday = days - daysFromCivil(year, 1, 1) + 1;
        out += String(yday).padStart(3, chunk.t === 'yday0' ? '0' : ' ');
        break;
      }
      case 'weekShort':
        out += (WEEKDAYS[weekday(days)] as string).slice(0, 3);
        break;
      case 'weekLong':
        out += WEEKDAYS[weekday(days)] as string;
        break;
      case 'hour':
        out += pad2(hour);
        break;
      case 'hour12':
        out += String(hour % 12 === 0 ? 12 : hour % 12);
        break;
      case 'hour120':
        out += pad2(hour % 12 === 0 ? 12 : hour % 12);
        break;
      case 'minute':
        out += String(minute);
        break;
      case 'minute0':
        out += pad2(minute);
        break;
      case 'second':
        out += String(second);
        break;
      case 'second0':
        out += pad2(second);
        break;
      case 'PM':
        out += hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += hour >= 12 ? 'pm' : 'am';
        break;
      case 'zoneName':
        out += time.zone.abbreviationAt(time.sec);
        break;
      case 'offset':
        out += formatOffset(offset, chunk);
        break;
      case 'fraction':
        out += formatFraction(time.nsec, chunk);
        break;
    }
  }
  return out;
}

function formatOffset(offset: number, chunk: Extract<Chunk, { t: 'offset' }>): string {
  if (chunk.z && offset === 0) return 'Z';
  const abs = Math.abs(offset);
  let out = (offset < 0 ? '-' : '+') + pad2(Math.floor(abs / 3600));
  if (chunk.minutes) out += (chunk.colon ? ':' : '') + pad2(Math.floor((abs % 3600) / 60));
  if (chunk.seconds) out += (chunk.colon ? ':' : '') + pad2(abs % 60);
  return out;
}

function formatFraction(nsec: number, chunk: Extract<Chunk, { t: 'fraction' }>): string {
  let digits = String(nsec).padStart(9, '0').slice(0, chunk.digits);
  if (!chunk.trim) return chunk.sep + digits;
  digits = digits.replace(/0+$/, '');
  return digits === '' ? '' : chunk.sep + digits;
}

/** Go's Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST". */
const TIME_STRING_LAYOUT = compileLayout('2006-01-02 15:04:05.999999999 -0700 MST');
export function timeString(time: GoTime): string {
  return formatTime(time, TIME_STRING_LAYOUT);
}

export const RFC3339_NANO_LAYOUT = compileLayout('2006-01-02T15:04:05.999999999Z07:00');

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function weekday(days: number): number {
  // 1970-01-01 was a Thursday.
  return ((days % 7) + 7 + 4) % 7;
}

// Howard Hinnant's days-from-civil and civil-from-days: proleptic Gregorian, no Date objects.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (month <= 2 ? 1 : 0), month, day];
}
