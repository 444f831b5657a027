// One way to match text typed by the user: a plain, case-insensitive substring, or `/regex/flags`.
// An invalid regular expression is reported, not thrown, so the view can say so and match nothing new.

export interface TextMatcher {
  readonly test: (text: string) => boolean;
  /** Every match as [start, end) ranges, in order, not overlapping. */
  readonly ranges: (text: string) => [number, number][];
}

export type CompiledMatcher =
  { readonly ok: true; readonly matcher: TextMatcher | undefined } | { readonly ok: false; readonly error: string };

const REGEX_LITERAL = /^\/(.+)\/([imsu]*)$/;
const MAX_RANGES = 100;

function substringMatcher(needle: string): TextMatcher {
  const lower = needle.toLowerCase();
  return {
    test: (text) => text.toLowerCase().includes(lower),
    ranges: (text) => {
      const haystack = text.toLowerCase();
      const out: [number, number][] = [];
      for (let at = haystack.indexOf(lower); at !== -1 && out.length < MAX_RANGES; at = haystack.indexOf(lower, at + lower.length)) {
        out.push([at, at + lower.length]);
      }
      return out;
    },
  };
}

function regexMatcher(source: string, flags: string): TextMatcher {
  const once = new RegExp(source, flags.replace('g', ''));
  const all = new RegExp(source, `${flags.replace('g', '')}g`);
  return {
    test: (text) => once.test(text),
    ranges: (text) => {
      const out: [number, number][] = [];
      all.lastIndex = 0;
      for (let m = all.exec(text); m !== null && out.length < MAX_RANGES; m = all.exec(text)) {
        if (m[0].length === 0) {
          all.lastIndex += 1;
          continue;
        }
        out.push([m.index, m.index + m[0].length]);
      }
      return out;
    },
  };
}

/** `undefined` matcher for empty input: nothing to filter or highlight. */
export function compileMatcher(input: string): CompiledMatcher {
  const text = input.trim();
  if (text === '') return { ok: true, matcher: undefined };
  const literal = REGEX_LITERAL.exec(text);
  if (literal === null) return { ok: true, matcher: substringMatcher(text) };
  try {
    return { ok: true, matcher: regexMatcher(literal[1] as string, literal[2] ?? '') };
  } catch {
    return { ok: false, error: 'not a valid regular expression' };
  }
}

export interface TextSegment {
  readonly text: string;
  readonly match: boolean;
}

/** `text` cut into plain and matching segments, for highlighting. */
export function highlightSegments(text: string, matcher: TextMatcher | undefined): TextSegment[] {
  if (matcher === undefined) return [{ text, match: false }];
  const segments: TextSegment[] = [];
  let at = 0;
  for (const [start, end] of matcher.ranges(text)) {
    if (start > at) segments.push({ text: text.slice(at, start), match: false });
    segments.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length || segments.length === 0) segments.push({ text: text.slice(at), match: false });
  return segments;
}
