import type { WireRecord } from '@tailgate/contracts';
import { describe, expect, it } from 'vitest';

import { type Released, TimeMergeBuffer } from './time-merge-buffer';

/** A record of container `c` whose timestamp is `second` seconds past a fixed minute. */
const at = (c: string, second: number, line = `${c}${second}`): WireRecord => ({
  ts: `2024-05-01T10:00:${String(second).padStart(2, '0')}Z`,
  ns: 'n',
  pod: 'p',
  container: c,
  stream: 'stdout',
  line,
  cursor: line,
});

function push(buffer: TimeMergeBuffer, now: number, ...records: WireRecord[]): void {
  buffer.push(
    records,
    records.map((r) => `n/p/${r.container}`),
    now,
  );
}

const lines = (released: Released) => released.records.map((r) => r.line);

describe('TimeMergeBuffer', () => {
  it('holds records for the window, then releases them with every waiting record not later, sorted by time', () => {
    const buffer = new TimeMergeBuffer(100, 1_000);
    push(buffer, 0, at('a', 10), at('a', 30));
    push(buffer, 50, at('b', 20), at('b', 40));
    expect(buffer.nextDueAt()).toBe(100);
    expect(lines(buffer.release(99))).toEqual([]);
    const released = buffer.release(100);
    expect(lines(released)).toEqual(['a10', 'b20', 'a30']);
    expect(released.targets).toEqual(['n/p/a', 'n/p/b', 'n/p/a']);
    expect(buffer.nextDueAt()).toBe(150);
    expect(lines(buffer.release(150))).toEqual(['b40']);
    expect(buffer.size).toBe(0);
    expect(buffer.nextDueAt()).toBeUndefined();
  });

  it('keeps the records of one container in their order when its timestamps go backwards', () => {
    const buffer = new TimeMergeBuffer(100, 1_000);
    push(buffer, 0, at('a', 30), at('a', 10, 'a-backwards'), at('b', 20), at('b', 35));
    expect(lines(buffer.release(100))).toEqual(['b20', 'a30', 'a-backwards', 'b35']);
  });

  it('breaks timestamp ties by arrival and compares instants, not strings', () => {
    const buffer = new TimeMergeBuffer(0, 1_000);
    const zoned = { ...at('d', 0, 'zoned'), ts: '2024-05-01T12:00:05.5+02:00' };
    const precise = { ...at('c', 0, 'precise'), ts: '2024-05-01T10:00:05.000000001Z' };
    push(buffer, 0, zoned, at('b', 5, 'b5'), precise, at('a', 5, 'a5'), at('a', 6));
    expect(lines(buffer.release(0))).toEqual(['b5', 'a5', 'precise', 'zoned', 'a6']);
  });

  it('still releases a record that arrives after later ones already left, out of order', () => {
    const buffer = new TimeMergeBuffer(100, 1_000);
    push(buffer, 0, at('a', 50));
    expect(lines(buffer.release(100))).toEqual(['a50']);
    push(buffer, 110, at('b', 10));
    expect(lines(buffer.release(209))).toEqual([]);
    expect(lines(buffer.release(210))).toEqual(['b10']);
  });

  it('lets the oldest records go early when more than its bound wait', () => {
    const buffer = new TimeMergeBuffer(100, 2);
    push(buffer, 0, at('a', 30), at('b', 10), at('a', 40));
    expect(buffer.overfull).toBe(true);
    expect(lines(buffer.release(0))).toEqual(['b10', 'a30']);
    expect(buffer.overfull).toBe(false);
  });

  it('releases an ended target with everything not later than it, and drains in time order', () => {
    const buffer = new TimeMergeBuffer(100, 1_000);
    push(buffer, 0, at('a', 30), at('b', 20), at('b', 40), at('c', 10), at('c', 50));
    expect(lines(buffer.releaseTarget('n/p/a'))).toEqual(['c10', 'b20', 'a30']);
    expect(lines(buffer.drain())).toEqual(['b40', 'c50']);
    expect(buffer.size).toBe(0);
  });
});
