import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { cutLine, LINE_CUT_MARKER } from './cut-line';

const bytesOf = (text: string): number => Buffer.byteLength(text, 'utf8');

describe('cutLine', () => {
  it('keeps a line that fits, to the byte', () => {
    expect(cutLine('a'.repeat(300), 300)).toBe('a'.repeat(300));
    expect(cutLine('é'.repeat(150), 300)).toBe('é'.repeat(150));
  });

  it('cuts a longer line to the limit, marker included', () => {
    const cut = cutLine('a'.repeat(301), 300);
    expect(cut).toBe(`${'a'.repeat(300 - bytesOf(LINE_CUT_MARKER))}${LINE_CUT_MARKER}`);
    expect(bytesOf(cut)).toBe(300);
  });

  it('never splits a multi-byte character or a surrogate pair', () => {
    // 2-, 3- and 4-byte characters, each at every alignment against the budget.
    for (const char of ['é', '€', '😀']) {
      for (let shift = 0; shift < 4; shift += 1) {
        const cut = cutLine('a'.repeat(shift) + char.repeat(200), 256);
        expect(cut.endsWith(LINE_CUT_MARKER)).toBe(true);
        expect(cut).not.toContain('\uFFFD');
        expect(bytesOf(cut)).toBeLessThanOrEqual(256);
        expect(bytesOf(cut)).toBeGreaterThan(256 - 4);
      }
    }
  });

  it('always fits, keeps a prefix of the line and marks exactly the cut lines', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 16, max: 600 }), (line, maxBytes) => {
        const cut = cutLine(line, maxBytes);
        expect(bytesOf(cut)).toBeLessThanOrEqual(maxBytes);
        if (bytesOf(line) <= maxBytes) expect(cut).toBe(line);
        else expect(line.startsWith(cut.slice(0, -LINE_CUT_MARKER.length))).toBe(true);
      }),
    );
  });
});
