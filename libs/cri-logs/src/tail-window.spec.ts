import type { LogRecord } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { TailWindow } from './tail-window';

const record = (n: number, bytes = 10): LogRecord => ({
  ts: '2024-05-01T10:00:00Z',
  target: { namespace: 'n', pod: 'p', container: 'c' },
  stream: 'stdout',
  line: 'x'.repeat(bytes),
  cursor: String(n).padStart(4, '0'),
});

describe('tail window', () => {
  it('holds the last `tail` records while they are small', () => {
    const tail = new TailWindow(3);
    tail.push([record(1), record(2)], 0);
    tail.push([record(3), record(4), record(5)], 1);
    const { from, records } = tail.result();
    expect(from).toBeUndefined();
    expect(records.map((r) => r.cursor)).toEqual(['0003', '0004', '0005']);
  });

  it('past its byte budget keeps only the cursors of the oldest, and says where to read them again', () => {
    // Each record counts 10 + 4 + 100 bytes: two fit in 250.
    const tail = new TailWindow(4, 250);
    tail.push([record(1), record(2), record(3)], 0);
    tail.push([record(4), record(5), record(6)], 2);
    const { from, records } = tail.result();
    expect(records.map((r) => r.cursor)).toEqual(['0005', '0006']);
    expect(from).toEqual({ cursor: '0003', file: 0, count: 2 });
  });

  it('holds none of a record larger than its budget, and reads the whole tail again', () => {
    const tail = new TailWindow(2, 50);
    tail.push([record(1), record(2, 500)], 3);
    expect(tail.result()).toEqual({ from: { cursor: '0001', file: 3, count: 2 }, records: [] });
  });

  it('is empty when nothing was read', () => {
    expect(new TailWindow(5).result()).toEqual({ from: undefined, records: [] });
  });
});
