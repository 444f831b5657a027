// Counts the records in a received frame without decoding it: each record carries exactly one
// `"cursor":` key, and the bench's lines never contain that text. Optionally reads the write time
// embedded in each line, so the fleet measures latency without JSON.parse on the hot path.
import { TIME_MARK } from './fleet-protocol';
import type { HdrHistogram } from './hdr-histogram';

const CURSOR_KEY = Buffer.from('"cursor":');
const MARK = Buffer.from(TIME_MARK);

export function countRecords(frame: Buffer): number {
  let count = 0;
  let at = frame.indexOf(CURSOR_KEY);
  while (at >= 0) {
    count++;
    at = frame.indexOf(CURSOR_KEY, at + CURSOR_KEY.length);
  }
  return count;
}

/** Records `receivedAt - t` for every `@@t@@` in the frame whose intended write time `t` is at or after `from` (warm-up cut). */
export function recordLatencies(frame: Buffer, receivedAt: number, into: HdrHistogram, from: number): void {
  let open = frame.indexOf(MARK);
  while (open >= 0) {
    const close = frame.indexOf(MARK, open + MARK.length);
    if (close < 0) return;
    const sentAt = Number(frame.toString('latin1', open + MARK.length, close));
    if (Number.isFinite(sentAt) && sentAt >= from) into.record(receivedAt - sentAt);
    open = frame.indexOf(MARK, close + MARK.length);
  }
}
