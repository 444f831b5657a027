import { describe, expect, it } from 'vitest';

import { compileMatcher, highlightSegments } from './text-matcher';

const matcherOf = (text: string) => {
  const compiled = compileMatcher(text);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.matcher;
};

describe('highlightSegments', () => {
  it('marks every case-insensitive occurrence of plain text', () => {
    expect(highlightSegments('Error: error again', matcherOf('error'))).toEqual([
      { text: 'Error', match: true },
      { text: ': ', match: false },
      { text: 'error', match: true },
      { text: ' again', match: false },
    ]);
  });

  it('marks /regex/ matches and skips empty ones without looping', () => {
    expect(highlightSegments('a1b22', matcherOf('/\\d*/'))).toEqual([
      { text: 'a', match: false },
      { text: '1', match: true },
      { text: 'b', match: false },
      { text: '22', match: true },
    ]);
  });

  it('returns the text whole when there is nothing to highlight', () => {
    expect(highlightSegments('abc', undefined)).toEqual([{ text: 'abc', match: false }]);
    expect(highlightSegments('', matcherOf('x'))).toEqual([{ text: '', match: false }]);
  });

  it('reports an invalid regular expression instead of throwing', () => {
    expect(compileMatcher('/[/')).toEqual({ ok: false, error: 'not a valid regular expression' });
  });
});
