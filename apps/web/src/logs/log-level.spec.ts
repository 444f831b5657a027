import { describe, expect, it } from 'vitest';

import { levelFromValue, parseLine } from './log-level';

describe('parseLine', () => {
  it.each([
    ['{"level":"info","msg":"hi"}', 'info'],
    ['{"lvl":"WARNING","msg":"x"}', 'warn'],
    ['{"severity":"ERROR"}', 'error'],
    ['{"log.level":"debug"}', 'debug'],
    ['{"log":{"level":"critical"}}', 'fatal'],
    ['  {"level":"trace"}  ', 'trace'],
  ])('reads the level of the JSON line %s', (line, level) => {
    expect(parseLine(line)).toEqual({ json: true, level });
  });

  it.each([
    [10, 'trace'],
    [20, 'debug'],
    [30, 'info'],
    [40, 'warn'],
    [50, 'error'],
    [60, 'fatal'],
    [35, 'info'],
    [70, 'fatal'],
  ])('maps the bunyan/pino number %i to %s', (number, level) => {
    expect(parseLine(JSON.stringify({ level: number, msg: 'm' }))).toEqual({ json: true, level });
  });

  it('marks a JSON line with no known level as JSON without a level', () => {
    expect(parseLine('{"msg":"no level","level":5}')).toEqual({ json: true });
  });

  it.each([
    ['ts=2026-01-01 level=warn msg="disk low"', 'warn'],
    ['level="error" msg=x', 'error'],
    ['msg=x lvl=DEBUG', 'debug'],
    ['severity=info a=b', 'info'],
  ])('reads logfmt %s', (line, level) => {
    expect(parseLine(line)).toEqual({ json: false, level });
  });

  it.each([
    ['ERROR failed to connect', 'error'],
    ['INFO  started', 'info'],
    ['[WARN] slow', 'warn'],
    ['WARNING: soon', 'warn'],
  ])('reads a leading level word in %s', (line, level) => {
    expect(parseLine(line)).toEqual({ json: false, level });
  });

  it.each([
    'an error happened',
    'INFORMATION is power',
    'Error in lower case is prose',
    '{"level":"info"',
    'level=verbose x',
    'xlevel=info',
  ])('finds no level in %s', (line) => {
    expect(parseLine(line).level).toBeUndefined();
  });

  it('ignores values that are not level names or numbers', () => {
    expect(levelFromValue({ level: 'info' })).toBeUndefined();
    expect(levelFromValue('30')).toBe('info');
    expect(levelFromValue(Number.NaN)).toBeUndefined();
  });
});
