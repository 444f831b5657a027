// Finds where each top-level object of a body starts and ends, whatever the shipper's framing:
//   array   `[{..},{..}]`, with any whitespace around elements (fluentd `json_array true` puts a
//           newline before each comma; fluent-bit `json`; syslog-ng `body-prefix("[")`
//           `delimiter(",")` `body-suffix("]")`),
//   stream  `{..}\n{..}` with or without a final newline, `\r\n`, blank lines (fluentd's ndjson,
//           fluent-bit json_lines, syslog-ng's default) and `{..}{..}` with no separator at all
//           (fluent-bit json_stream): objects separated by optional whitespace.
// It matches brackets and skips strings (escape-aware) and nothing more: each span is then given
// to JSON.parse, which validates it. One pass, linear in the body: strings, most of a log body,
// are skipped with indexOf; only the bytes between strings are looked at one by one.
import type { IngestRefusal } from './ingest-record';
import { refuseIngest } from './ingest-refusal';

export interface ObjectSpanLimits {
  /** More objects than this refuses the body (413) before scanning the rest. */
  readonly maxObjects: number;
  /** Deeper nesting inside one object refuses the body (400). */
  readonly maxDepth: number;
}

export interface ObjectSpans {
  readonly ok: true;
  /** Start and end (exclusive) of each object, flattened: [start0, end0, start1, end1, …]. */
  readonly bounds: readonly number[];
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** The spans of the body's objects, or why the body is not a framing of JSON objects. */
export function jsonObjectSpans(text: string, limits: ObjectSpanLimits): ObjectSpans | IngestRefusal {
  const start = skipWhitespace(text, 0);
  if (start === text.length) return { ok: true, bounds: [] };
  const first = text.charCodeAt(start);
  if (first === OPEN_BRACKET) return arraySpans(text, start + 1, limits);
  if (first === OPEN_BRACE) return streamSpans(text, start, limits);
  return notAnObject(first, 1);
}

function streamSpans(text: string, from: number, limits: ObjectSpanLimits): ObjectSpans | IngestRefusal {
  const bounds: number[] = [];
  for (let pos = skipWhitespace(text, from); pos < text.length; pos = skipWhitespace(text, pos)) {
    const record = bounds.length / 2 + 1;
    if (text.charCodeAt(pos) !== OPEN_BRACE) return notAnObject(text.charCodeAt(pos), record);
    const end = scanObject(text, pos, record, limits);
    if (typeof end !== 'number') return end;
    bounds.push(pos, end);
    pos = end;
  }
  return { ok: true, bounds };
}

function arraySpans(text: string, from: number, limits: ObjectSpanLimits): ObjectSpans | IngestRefusal {
  const bounds: number[] = [];
  let pos = skipWhitespace(text, from);
  if (text.charCodeAt(pos) === CLOSE_BRACKET) return endOfArray(text, pos, bounds);
  for (;;) {
    const record = bounds.length / 2 + 1;
    if (pos === text.length) return arrayNotClosed(record - 1);
    if (text.charCodeAt(pos) !== OPEN_BRACE) return notAnObject(text.charCodeAt(pos), record);
    const end = scanObject(text, pos, record, limits);
    if (typeof end !== 'number') return end;
    bounds.push(pos, end);
    pos = skipWhitespace(text, end);
    const next = text.charCodeAt(pos);
    if (next === CLOSE_BRACKET) return endOfArray(text, pos, bounds);
    if (pos === text.length) return arrayNotClosed(record);
    if (next !== COMMA) return refuseIngest('malformed_json', `expected "," or "]" after record ${record}`);
    pos = skipWhitespace(text, pos + 1);
  }
}

/** A cut-off array: the commonest malformed body (a shipper or proxy that truncated it). */
function arrayNotClosed(records: number): IngestRefusal {
  return refuseIngest('malformed_json', `the body ends before the array is closed (after record ${records})`);
}

function endOfArray(text: string, closeBracket: number, bounds: number[]): ObjectSpans | IngestRefusal {
  if (skipWhitespace(text, closeBracket + 1) !== text.length) return refuseIngest('malformed_json', 'the body goes on after its array');
  return { ok: true, bounds };
}

/** End (exclusive) of the object at `start`, checking the record count and depth on the way. */
function scanObject(text: string, start: number, record: number, limits: ObjectSpanLimits): number | IngestRefusal {
  if (record > limits.maxObjects) return refuseIngest('too_many_records', `the body has more than ${limits.maxObjects} records`);
  let depth = 0;
  let pos = start;
  while (pos < text.length) {
    const char = text.charCodeAt(pos);
    if (char === QUOTE) {
      pos = endOfString(text, pos + 1);
      if (pos < 0) break;
      continue;
    }
    if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      depth += 1;
      if (depth > limits.maxDepth) return refuseIngest('too_deep', `record ${record} nests deeper than ${limits.maxDepth} levels`);
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth -= 1;
      // A mismatched bracket can end the span early; JSON.parse then refuses that span.
      if (depth === 0) return pos + 1;
    }
    pos += 1;
  }
  return refuseIngest('malformed_json', `the body ends inside record ${record}`);
}

/** Index after the closing quote of a string whose content starts at `from`; -1 if it is never closed. */
function endOfString(text: string, from: number): number {
  for (let quote = text.indexOf('"', from); quote >= 0; quote = text.indexOf('"', quote + 1)) {
    // The quote is escaped when an odd number of backslashes precede it. Each backslash run is
    // counted once: it belongs to the one quote that follows it.
    let backslash = quote - 1;
    while (backslash >= from && text.charCodeAt(backslash) === BACKSLASH) backslash -= 1;
    if ((quote - 1 - backslash) % 2 === 0) return quote + 1;
  }
  return -1;
}

function skipWhitespace(text: string, from: number): number {
  let pos = from;
  for (let char = text.charCodeAt(pos); char === SPACE || char === LF || char === CR || char === TAB; char = text.charCodeAt(pos)) pos += 1;
  return pos;
}

/** First characters of JSON values other than objects: `[`, `"`, `-`, digits, `true`, `false`, `null`. */
const OTHER_VALUE_STARTS = new Set([...'["-0123456789tfn'].map((char) => char.charCodeAt(0)));

/** A JSON value that is not an object gets its own code; anything else is not JSON at all. */
function notAnObject(char: number, record: number): IngestRefusal {
  return OTHER_VALUE_STARTS.has(char)
    ? refuseIngest('not_an_object', `record ${record} is not a JSON object`)
    : refuseIngest('malformed_json', `record ${record} does not start a JSON object`);
}
