import { describe, expect, it } from 'vitest';

import { epochSecondsToUtcNanos, recordTime, rfc3339ToUtcNanos } from './record-time';

describe('rfc3339ToUtcNanos', () => {
  it('keeps nanoseconds as the CRI parser writes them', () => {
    expect(rfc3339ToUtcNanos('2024-05-01T10:00:00.123456789Z')).toBe('2024-05-01T10:00:00.123456789Z');
  });

  it('pads shorter fractions and none to nine digits', () => {
    expect(rfc3339ToUtcNanos('2024-05-01T10:00:00.5Z')).toBe('2024-05-01T10:00:00.500000000Z');
    expect(rfc3339ToUtcNanos('2024-05-01T10:00:00Z')).toBe('2024-05-01T10:00:00.000000000Z');
  });

  it('cuts fractions past nanoseconds without rounding into the next second', () => {
    expect(rfc3339ToUtcNanos('2024-05-01T10:00:00.9999999999Z')).toBe('2024-05-01T10:00:00.999999999Z');
  });

  it('converts offsets to UTC, across a day and a year', () => {
    expect(rfc3339ToUtcNanos('2024-05-01T12:00:01.5+02:00')).toBe('2024-05-01T10:00:01.500000000Z');
    expect(rfc3339ToUtcNanos('2023-12-31T23:30:00-01:45')).toBe('2024-01-01T01:15:00.000000000Z');
  });

  it('accepts the lower-case and space forms RFC 3339 allows', () => {
    expect(rfc3339ToUtcNanos('2024-05-01t10:00:00z')).toBe('2024-05-01T10:00:00.000000000Z');
    expect(rfc3339ToUtcNanos('2024-05-01 10:00:00Z')).toBe('2024-05-01T10:00:00.000000000Z');
  });

  it('reads years below 100 as written, not as 19xx', () => {
    expect(rfc3339ToUtcNanos('0042-01-01T00:00:00Z')).toBe('0042-01-01T00:00:00.000000000Z');
  });

  it('refuses impossible dates and times, missing zones and other formats', () => {
    for (const text of [
      '2024-02-30T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-05-01T24:00:00Z',
      '2024-05-01T10:60:00Z',
      '2016-12-31T23:59:60Z',
      '2024-05-01T10:00:00+24:00',
      '2018-05-30 09:39:52.000681',
      '2024-05-01',
      '1700000000',
      'yesterday',
      '',
      '9999-12-31T23:00:00-02:00',
      '0000-01-01T00:00:00+01:00',
    ]) {
      expect(rfc3339ToUtcNanos(text), text).toBeUndefined();
    }
  });
});

describe('epochSecondsToUtcNanos', () => {
  it('reads fluent-bit double dates to the microsecond', () => {
    expect(epochSecondsToUtcNanos(1700000000.123456)).toBe('2023-11-14T22:13:20.123456000Z');
    expect(epochSecondsToUtcNanos(1700000001.5)).toBe('2023-11-14T22:13:21.500000000Z');
    expect(epochSecondsToUtcNanos(1700000002)).toBe('2023-11-14T22:13:22.000000000Z');
  });

  it('carries a fraction that rounds up to a whole second', () => {
    expect(epochSecondsToUtcNanos(1700000000 + 0.9999997)).toBe('2023-11-14T22:13:21.000000000Z');
  });

  it('refuses negative, non-finite and beyond-year-9999 values', () => {
    for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1e12 * 1000])
      expect(epochSecondsToUtcNanos(value), String(value)).toBeUndefined();
  });
});

describe('recordTime', () => {
  it('prefers time, falls back to date (number or iso8601 string), else has none', () => {
    expect(recordTime('2024-05-01T10:00:00Z', 1700000000)).toBe('2024-05-01T10:00:00.000000000Z');
    expect(recordTime('not a time', 1700000000)).toBe('2023-11-14T22:13:20.000000000Z');
    expect(recordTime(undefined, '2018-05-30T09:39:52.000681Z')).toBe('2018-05-30T09:39:52.000681000Z');
    expect(recordTime(42, { seconds: 1 })).toBeUndefined();
    expect(recordTime(undefined, undefined)).toBeUndefined();
  });
});
