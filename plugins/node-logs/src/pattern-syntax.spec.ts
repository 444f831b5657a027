import { describe, expect, it } from 'vitest';

import { patternProblem } from './pattern-syntax';

describe('patternProblem', () => {
  it.each([
    'error',
    'sync (error|failure): \\d+',
    '(?i)SYNC ERROR',
    '(?i:sync) error',
    '(?P<code>\\d{3})',
    '(?<code>\\d{3})',
    '\\Aerror.*\\z',
    '\\Q(literal*)\\E and more',
    '[[:alpha:]]+',
    '\\(?optional parens\\)?',
    '[(?=]',
    '\\pL+\\p{Greek}',
    'a{1000}',
    '\\101 octal',
  ])('accepts %s, as Go does', (pattern) => {
    expect(patternProblem(pattern)).toBeUndefined();
  });

  it.each([
    ['error(?=:)', 'lookahead'],
    ['(?<!x)error', 'lookahead and lookbehind'],
    ['(a)\\1', 'backreferences'],
    ['\\8', 'backreferences'],
    ['\\e', 'escape \\e'],
    ['\\k<name>', 'escape \\k'],
    ['(?#comment)', 'unsupported group syntax'],
    ['(?x)a', 'unsupported group syntax'],
    ['a{1001}', 'repeat counts'],
    ['a{2,5000}', 'repeat counts'],
    ['(', 'not a valid regular expression (Unterminated group)'],
    ['[a', 'not a valid regular expression'],
    ['a**', 'not a valid regular expression'],
    ['trailing\\', 'lone backslash'],
  ])('refuses %s (%s) without quoting it', (pattern, problem) => {
    const found = patternProblem(pattern);
    expect(found).toContain(problem);
    if (pattern.length > 2) expect(found).not.toContain(pattern);
  });
});
