import { describe, expect, it } from 'vitest';

import { LineSplitter } from './line-splitter';

function split(splitter: LineSplitter, chunks: readonly string[]): string[] {
  const lines: string[] = [];
  for (const chunk of chunks)
    splitter.push(Buffer.from(chunk), (line, overflowed) => lines.push(line.toString() + (overflowed ? '…' : '')));
  return lines;
}

describe('LineSplitter', () => {
  it('carries unfinished lines across chunks', () => {
    expect(split(new LineSplitter(100), ['ab', 'c\nd', 'e\n\nf'])).toEqual(['abc', 'de', '']);
  });

  it('keeps at most maxLineBytes of a line and marks it overflowed', () => {
    expect(split(new LineSplitter(4), ['abcdef\n', 'ab', 'cd', 'ef\nok\n'])).toEqual(['abcd…', 'abcd…', 'ok']);
  });

  it('drops the first, partial line when started mid-file', () => {
    expect(split(new LineSplitter(100, true), ['tail of', ' something\nnext\n'])).toEqual(['next']);
  });
});
