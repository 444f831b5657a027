// Bounds a log line in UTF-8 bytes, as `maxLineBytes` is documented: a longer line keeps its
// start, cut at a character boundary, followed by a marker a reader can see and grep for.

/** Appended to a cut line; the line with the marker stays within the limit. */
export const LINE_CUT_MARKER = '…[cut]';
const MARKER_BYTES = Buffer.byteLength(LINE_CUT_MARKER, 'utf8');

/** `line` if it has at most `maxBytes` UTF-8 bytes, else its longest prefix that fits with the marker. */
export function cutLine(line: string, maxBytes: number): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: most lines are known to fit without encoding.
  if (line.length * 3 <= maxBytes || Buffer.byteLength(line, 'utf8') <= maxBytes) return line;
  const budget = Math.max(0, maxBytes - MARKER_BYTES);
  // `budget` code units encode to at least `budget` bytes, so only that prefix is encoded. A
  // surrogate pair split by the slice encodes as U+FFFD past the budget and is cut off below.
  const head = Buffer.from(line.slice(0, budget), 'utf8');
  let end = Math.min(budget, head.length);
  // Back off continuation bytes (10xxxxxx) so the cut never splits a character.
  while (end > 0 && end < head.length && (head[end]! & 0xc0) === 0x80) end -= 1;
  return head.toString('utf8', 0, end) + LINE_CUT_MARKER;
}
