// Node Log Query's `pattern` must parse as a Go regular expression (regexp/syntax, Perl flags), or
// the kubelet refuses the whole query. We check it at subscribe, as far as JavaScript can tell:
// syntax only Go refuses is looked for explicitly (lookaround, backreferences, unknown escapes,
// repeat counts over 1000, unknown group syntax), Go-only syntax is translated ((?i), (?P<name>,
// \A, \z, \Q…\E, \p{…}), and the rest is left to the JavaScript parser. Problems never quote the
// pattern.

const GO_LETTER_ESCAPES = new Set('afnrtvdDsSwWbBAzpPQEx');
const MAX_REPEAT = 1000;
const GROUP_START = /^\(\?(?:P?<[A-Za-z_]\w*>|[imsU]*(?:-[imsU]+)?[:)])/;
const REPEAT = /^\{(\d+)(?:,(\d*))?\}/;

/** Why the kubelet would refuse `pattern`, or undefined when it looks valid. */
export function patternProblem(pattern: string): string | undefined {
  const unquoted = withoutQuotedLiterals(pattern);
  const problem = goOnlyProblem(unquoted);
  if (problem !== undefined) return problem;
  try {
    new RegExp(translate(unquoted));
    return undefined;
  } catch (error) {
    // V8's message quotes the pattern before its last colon; keep only the reason.
    const reason = (error as Error).message.split(': ').pop() ?? 'invalid';
    return `not a valid regular expression (${reason})`;
  }
}

/** Walks the pattern once, skipping escaped characters and character classes where it must. */
function goOnlyProblem(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const problem = escapeProblem(pattern[i + 1] ?? '', pattern[i + 2] ?? '');
      if (problem !== undefined) return problem;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      else if (pattern.startsWith('[:', i)) i = Math.max(i, pattern.indexOf(':]', i + 2) + 1);
    } else if (c === '[') {
      inClass = true;
      // `[]…]` and `[^]…]`: a `]` right after the opening is literal.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (c === '(' && pattern[i + 1] === '?') {
      if (/^\(\?<?[=!]/.test(pattern.slice(i, i + 4))) return 'lookahead and lookbehind are not supported (Go RE2 syntax)';
      if (!GROUP_START.test(pattern.slice(i)))
        return 'unsupported group syntax: Go knows (?:…), (?P<name>…), (?<name>…) and flags i, m, s, U';
    } else if (c === '{') {
      const repeat = REPEAT.exec(pattern.slice(i));
      if (repeat && (Number(repeat[1]) > MAX_REPEAT || Number(repeat[2] || 0) > MAX_REPEAT)) {
        return `repeat counts may not exceed ${MAX_REPEAT}`;
      }
    }
  }
  return undefined;
}

function escapeProblem(next: string, after: string): string | undefined {
  if (next === '') return 'the pattern ends in a lone backslash';
  // Go reads \1…\7 followed by an octal digit as an octal code, any other \1…\9 as a backreference.
  if (/[1-9]/.test(next) && !(/[1-7]/.test(next) && /[0-7]/.test(after))) return 'backreferences are not supported (Go RE2 syntax)';
  if (/[A-Za-z]/.test(next) && !GO_LETTER_ESCAPES.has(next)) return `Go does not know the escape \\${next}`;
  return undefined;
}

/** `\Q…\E` quotes literally (to the end when there is no `\E`): replaced by escaped characters. */
function withoutQuotedLiterals(pattern: string): string {
  let out = '';
  let rest = pattern;
  for (let start = unescapedQ(rest); start >= 0; start = unescapedQ(rest)) {
    const end = rest.indexOf('\\E', start + 2);
    const quoted = end < 0 ? rest.slice(start + 2) : rest.slice(start + 2, end);
    out += rest.slice(0, start) + quoted.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    rest = end < 0 ? '' : rest.slice(end + 2);
  }
  return out + rest;
}

function unescapedQ(text: string): number {
  for (let i = 0; i < text.length - 1; i++) {
    if (text[i] !== '\\') continue;
    if (text[i + 1] === 'Q') return i;
    i++;
  }
  return -1;
}

/** Go-only syntax rewritten so the JavaScript parser can judge the rest. */
function translate(pattern: string): string {
  return pattern
    .replace(/\(\?[imsU]*(?:-[imsU]+)?\)/g, '')
    .replace(/\(\?[imsU]*(?:-[imsU]+)?:/g, '(?:')
    .replace(/\(\?P</g, '(?<')
    .replace(/(?<!\\)\\([Az])/g, (_, letter: string) => (letter === 'A' ? '^' : '$'))
    .replace(/(?<!\\)\\[pP](?:\{\w+\}|[A-Za-z])/g, '.')
    .replace(/(?<!\\)\\x\{[0-9A-Fa-f]+\}/g, '.');
}
