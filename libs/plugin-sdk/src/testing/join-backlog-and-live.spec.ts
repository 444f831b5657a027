import { describe, expect, it } from 'vitest';

import type { LogRecord, TargetRef } from '../records';
import { joinBacklogAndLive } from './join-backlog-and-live';

const A: TargetRef = { namespace: 'acme', pod: 'web-0', container: 'app' };
const B: TargetRef = { namespace: 'acme', pod: 'web-1', container: 'app' };
const record = (target: TargetRef, cursor: string, line = cursor): LogRecord => ({
  ts: '2026-01-01T00:00:00Z',
  target,
  stream: 'stdout',
  line,
  cursor,
});
const lines = (records: readonly LogRecord[]) => records.map((r) => `${r.target.pod} ${r.line}`);

describe('joinBacklogAndLive', () => {
  it('drops the live records the backlog reached, per target, and keeps the rest in live order', () => {
    const backlog = [record(A, '1'), record(A, '2'), record(B, '1')];
    const live = [record(A, '2'), record(B, '1'), record(A, '3'), record(B, '2')];
    expect(lines(joinBacklogAndLive(backlog, live))).toEqual(['web-0 1', 'web-0 2', 'web-1 1', 'web-0 3', 'web-1 2']);
  });

  it('keeps every live record of a target the backlog had nothing of', () => {
    expect(lines(joinBacklogAndLive([record(A, '5')], [record(B, '1'), record(B, '2')]))).toEqual(['web-0 5', 'web-1 1', 'web-1 2']);
  });

  it('repeats a line whose backlog cursor differs from its live one', () => {
    const joined = joinBacklogAndLive([record(A, '1', 'x')], [record(A, '1b', 'x')]);
    expect(lines(joined)).toEqual(['web-0 x', 'web-0 x']);
  });

  it('loses a live line below a backlog cursor that reaches past it', () => {
    const joined = joinBacklogAndLive([record(A, '9', 'x')], [record(A, '5', 'y'), record(A, '9', 'x')]);
    expect(lines(joined)).toEqual(['web-0 x']);
  });
});
