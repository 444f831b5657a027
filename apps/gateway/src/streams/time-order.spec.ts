import type { WireRecord } from '@tailgate/contracts';
import { describe, expect, it } from 'vitest';

import { sortByTime, TimeKeys } from './time-order';

const record = (container: string, ts: string, line: string): WireRecord => ({
  ts,
  ns: 'n',
  pod: 'p',
  container,
  stream: 'stdout',
  line,
  cursor: line,
});

describe('sortByTime', () => {
  it('merges containers by timestamp without reordering any one container', () => {
    const records = [
      record('a', '2024-05-01T10:00:03Z', 'a3'),
      record('a', '2024-05-01T10:00:01Z', 'a1-after-a3'),
      record('a', '2024-05-01T10:00:05Z', 'a5'),
      record('b', '2024-05-01T10:00:02Z', 'b2'),
      record('b', '2024-05-01T10:00:04Z', 'b4'),
      record('b', 'not a time', 'b-unparsed'),
    ];
    expect(sortByTime(records).map((r) => r.line)).toEqual(['b2', 'a3', 'a1-after-a3', 'b4', 'b-unparsed', 'a5']);
  });

  it('keeps a container behind its records of earlier pages when the keys are carried from page to page', () => {
    const keys = new TimeKeys();
    expect(sortByTime([record('a', '2024-05-01T10:00:05Z', 'a5')], keys).map((r) => r.line)).toEqual(['a5']);
    const next = [record('b', '2024-05-01T10:00:04Z', 'b4'), record('a', '2024-05-01T10:00:01Z', 'a1-after-a5')];
    expect(sortByTime(next, keys).map((r) => r.line)).toEqual(['b4', 'a1-after-a5']);
    expect(sortByTime(next).map((r) => r.line)).toEqual(['a1-after-a5', 'b4']);
  });
});
