import type { WireRecord } from '@tailgate/contracts';
import type { PluginLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { NO_MASK, recordMask, WITHHELD_LINE } from './record-mask';

const record = (line: string, i: number): WireRecord => ({
  ts: `2026-12-07T10:00:0${i}Z`,
  ns: 'team-a',
  pod: 'web-0',
  container: 'app',
  stream: 'stdout',
  line,
  cursor: `c${i}`,
});

/** A logger that keeps every call's text and fields, to look for what must never be logged. */
function recordingLogger(): { logger: PluginLogger; logged: () => string } {
  const calls: unknown[] = [];
  const log = (...args: unknown[]) => void calls.push(args);
  const logger = { debug: log, info: log, warn: log, error: log, child: () => logger } as unknown as PluginLogger;
  return { logger, logged: () => JSON.stringify(calls) };
}

const upper = { transform: 'test.upper', run: (lines: readonly string[]) => lines.map((line) => line.toUpperCase()) };

describe('recordMask', () => {
  it('copies only the records whose line changed, keeping cursor, time, target and stream, and never changes the shared ones', () => {
    const records = [record('token abc', 0), record('OK', 1)];
    const frozen = records.map((r) => Object.freeze({ ...r }));
    const masked = recordMask('p', [upper], recordingLogger().logger).apply(frozen);
    expect(masked.map((r) => r.line)).toEqual(['TOKEN ABC', 'OK']);
    expect(masked[1]).toBe(frozen[1]);
    expect(masked.map(({ line: _line, ...rest }) => rest)).toEqual(records.map(({ line: _line, ...rest }) => rest));
    expect(frozen[0]?.line).toBe('token abc');
  });

  it('hands back the same array when no line changed, and NO_MASK always', () => {
    const records = [record('OK', 0)];
    expect(recordMask('p', [upper], recordingLogger().logger).apply(records)).toBe(records);
    expect(NO_MASK.apply(records)).toBe(records);
  });

  it('withholds every line of the batch when a transform throws, logging neither the error nor a line', () => {
    const { logger, logged } = recordingLogger();
    const failing = {
      transform: 'test.failing',
      run: (lines: readonly string[]): readonly string[] => {
        throw new Error(`cannot mask ${lines[0] ?? ''}`);
      },
    };
    const masked = recordMask('strict', [upper, failing], logger).apply([record('secret=hunter2', 0), record('other', 1)]);
    expect(masked.map((r) => r.line)).toEqual([WITHHELD_LINE, WITHHELD_LINE]);
    expect(masked.map((r) => r.cursor)).toEqual(['c0', 'c1']);
    expect(logged()).toContain('test.failing');
    expect(logged()).not.toMatch(/hunter2|HUNTER2|cannot mask|other/i);
  });

  it('withholds every line when a transform answers with something other than one string per line', () => {
    const { logger } = recordingLogger();
    for (const run of [() => ['one'], () => ['a', 1 as unknown as string]]) {
      const masked = recordMask('p', [{ transform: 'test.bad', run }], logger).apply([record('x', 0), record('y', 1)]);
      expect(masked.map((r) => r.line)).toEqual([WITHHELD_LINE, WITHHELD_LINE]);
    }
  });
});
