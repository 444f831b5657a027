// Node Log Query's `pattern`: the kubelet validates it with Go's regexp/syntax (Perl flags) and
// hands it to `journalctl --grep` (PCRE2; case-insensitive when the pattern has no upper-case
// letter). A JavaScript RegExp stands in for both, after two adjustments:
//  - Go-only syntax that tests are likely to use is translated: inline flags `(?i)`, `(?s)`,
//    `(?i:…)`, named groups `(?P<name>…)`, and `\A` / `\z`;
//  - JavaScript-only syntax is refused with Go's error text: lookaround, backreferences and
//    unknown letter escapes. Other syntax errors get Go's error code when one is recognisable.
// Not translated (rare in log queries): `\Q…\E`, POSIX classes such as `[[:alpha:]]`, flags
// switched off again inside the pattern.

export type JournalPattern = { readonly ok: true; readonly regexp: RegExp } | { readonly ok: false; readonly problem: string };

const GO_ERROR = 'error parsing regexp: ';
/** Letters Go accepts after a backslash (digits are octal escapes, handled separately). */
const GO_LETTER_ESCAPES = new Set('afnrtvdDsSwWbBAzpPQEx');

function goError(code: string, expr: string): JournalPattern {
  return { ok: false, problem: `${GO_ERROR}${code}: \`${expr}\`` };
}

/** Syntax JavaScript accepts but Go's regexp/syntax refuses, with Go's message. */
function goOnlyRejection(pattern: string): JournalPattern | undefined {
  const lookahead = /\(\?[=!]/.exec(pattern);
  if (lookahead !== null) return goError('invalid or unsupported Perl syntax', lookahead[0]);
  const lookbehind = /\(\?<[=!]/.exec(pattern);
  if (lookbehind !== null) {
    const rest = pattern.slice(lookbehind.index);
    const close = rest.indexOf('>');
    return goError('invalid named capture', close < 0 ? rest : rest.slice(0, close + 1));
  }
  for (const escape of pattern.matchAll(/\\(.)(?=(.?))/g)) {
    const [whole, char = '', next = ''] = escape;
    const isBackreference = /[1-7]/.test(char) && !/[0-7]/.test(next);
    if (char === '8' || char === '9' || isBackreference || (/[A-Za-z]/.test(char) && !GO_LETTER_ESCAPES.has(char))) {
      return goError('invalid escape sequence', whole.slice(0, 2));
    }
  }
  return undefined;
}

/** Rewrites Go-only syntax into its JavaScript equivalent; returns the pattern and extra flags. */
function translate(pattern: string): { source: string; flags: string } {
  let flags = '';
  const leading = /^\(\?([imsU]+)\)/.exec(pattern);
  let source = pattern;
  if (leading !== null) {
    flags = [...new Set(leading[1]?.replace(/[mU]/g, ''))].join('');
    source = source.slice(leading[0].length);
  }
  source = source
    .replace(/\(\?[imsU-]+\)/g, '')
    .replace(/\(\?[imsU-]+:/g, '(?:')
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$');
  return { source, flags };
}

/** Maps a JavaScript RegExp syntax error onto Go's error code where one clearly corresponds. */
function goErrorFor(pattern: string, jsMessage: string): JournalPattern {
  if (jsMessage.includes('Unterminated group')) return goError('missing closing )', pattern);
  if (jsMessage.includes("Unmatched ')'")) return goError('unexpected )', pattern);
  if (jsMessage.includes('Unterminated character class')) return goError('missing closing ]', pattern.slice(pattern.lastIndexOf('[')));
  if (jsMessage.includes('\\ at end of pattern')) return goError('trailing backslash at end of expression', '');
  if (jsMessage.includes('Nothing to repeat')) {
    const nested = /[*+?}][*+?]/.exec(pattern);
    if (nested !== null) return goError('invalid nested repetition operator', nested[0]);
    const operator = /(?:^|[(|])([*+?])/.exec(pattern);
    return goError('missing argument to repetition operator', operator?.[1] ?? '*');
  }
  return { ok: false, problem: `${GO_ERROR}${jsMessage}` };
}

/** Validates `pattern` as the kubelet does and compiles it for matching as journalctl --grep does. */
export function compileJournalPattern(pattern: string): JournalPattern {
  const rejected = goOnlyRejection(pattern);
  if (rejected !== undefined) return rejected;
  const { source, flags } = translate(pattern);
  // journalctl's smart case: an all-lower-case pattern matches case-insensitively.
  const smartCase = /[A-Z]/.test(pattern) ? '' : 'i';
  try {
    return { ok: true, regexp: new RegExp(source, [...new Set(`${flags}${smartCase}`)].join('')) };
  } catch (error) {
    return goErrorFor(pattern, (error as Error).message);
  }
}
