import type { WireRecord } from '@tailgate/contracts';
import { describe, expect, it } from 'vitest';

import { TimeMerge } from './time-merge';

let n = 0;
const record = (container: string, ts: string, line = `${container}@${ts}`): WireRecord => ({
  ts,
  ns: 'ns',
  pod: 'pod',
  container,
  stream: 'stdout',
  line,
  cursor: String(++n),
});
const lines = (records: readonly WireRecord[]) => records.map((r) => r.line);
const at = (seconds: string) => `2026-01-01T12:00:${seconds}Z`;

describe('TimeMerge', () => {
  it('holds records for the window, then passes them on in timestamp order across containers', () => {
    const merge = new TimeMerge(100);
    merge.add([record('a', at('02')), record('a', at('04'))], 0);
    merge.add([record('b', at('01')), record('b', at('03'))], 50);
    expect(merge.release(99)).toEqual([]);
    expect(merge.nextDueAt()).toBe(100);
    // a's records are due; every held record not later than the latest of them goes with them.
    expect(lines(merge.release(100))).toEqual(['b@' + at('01'), 'a@' + at('02'), 'b@' + at('03'), 'a@' + at('04')]);
    expect(merge.nextDueAt()).toBeUndefined();
  });

  it('keeps a later record of another container held until its own window runs out', () => {
    const merge = new TimeMerge(100);
    merge.add([record('a', at('02'))], 0);
    merge.add([record('b', at('05'))], 60);
    expect(lines(merge.release(100))).toEqual(['a@' + at('02')]);
    expect(merge.nextDueAt()).toBe(160);
    expect(lines(merge.release(160))).toEqual(['b@' + at('05')]);
  });

  it('orders by nanoseconds and across zones, ties in arrival order', () => {
    const merge = new TimeMerge(10);
    merge.add([record('a', '2026-01-01T12:00:00.000000002Z', 'a2')], 0);
    merge.add([record('b', '2026-01-01T13:00:00.000000001+01:00', 'b1')], 0);
    merge.add([record('c', '2026-01-01T12:00:00.000000002Z', 'c2')], 0);
    expect(lines(merge.flush())).toEqual(['b1', 'a2', 'c2']);
  });

  it("keeps a container's own order when its timestamps go backwards or cannot be read", () => {
    const merge = new TimeMerge(10);
    merge.add([record('a', at('05'), 'a1'), record('a', at('01'), 'a2'), record('a', 'garbled', 'a3')], 0);
    merge.add([record('b', at('03'), 'b1')], 0);
    expect(lines(merge.flush())).toEqual(['b1', 'a1', 'a2', 'a3']);
  });

  it('flushes everything held and holds nothing after', () => {
    const merge = new TimeMerge(1_000);
    merge.add([record('a', at('02')), record('b', at('01'))], 0);
    expect(merge.flush()).toHaveLength(2);
    expect(merge.flush()).toEqual([]);
    expect(merge.release(10_000)).toEqual([]);
  });
});
