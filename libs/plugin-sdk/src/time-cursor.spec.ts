import { describe, expect, it } from 'vitest';

import { CursorClock, dateToEpochNanos, formatCursor, toEpochNanos } from './time-cursor';

describe('toEpochNanos', () => {
  it('normalises RFC 3339 timestamps to 20-digit UTC nanoseconds', () => {
    expect(toEpochNanos('2024-05-01T10:00:00Z')).toBe('01714557600000000000');
    expect(toEpochNanos('2024-05-01T10:00:00.5Z')).toBe('01714557600500000000');
    expect(toEpochNanos('2024-05-01T10:00:00.000000001Z')).toBe('01714557600000000001');
    expect(toEpochNanos('2024-05-01T12:00:00.123+02:00')).toBe('01714557600123000000');
    expect(toEpochNanos('2024-05-01T09:30:00-00:30')).toBe('01714557600000000000');
    expect(toEpochNanos('1970-01-01T00:00:00Z')).toBe('00000000000000000000');
  });

  it('refuses what is not an RFC 3339 timestamp', () => {
    for (const ts of [
      '',
      '2024-05-01',
      '2024-05-01 10:00:00Z',
      '2024-05-01T10:00:00',
      '2024-05-01T10:00:00.Z',
      '2024-05-01T10:00:00.1234567891Z',
      '2024-05-01T25:00:00Z',
      '1969-12-31T23:59:59Z',
      '2024-05-01T10:00:00+2:00',
    ]) {
      expect(toEpochNanos(ts), ts).toBeUndefined();
    }
  });

  it('puts Dates in the same form, to compare with `since`', () => {
    expect(dateToEpochNanos(new Date('2024-05-01T10:00:00.123Z'))).toBe('01714557600123000000');
  });
});

describe('CursorClock', () => {
  it('numbers records with equal timestamps and compares as plain strings', () => {
    const clock = new CursorClock();
    const cursors = ['01714557600000000000', '01714557600000000000', '01714557600000000001', '01714557600000000001'].map((n) =>
      clock.next(n),
    );
    expect(cursors).toEqual([
      formatCursor('01714557600000000000', 0),
      formatCursor('01714557600000000000', 1),
      '01714557600000000001-0000000000',
      '01714557600000000001-0000000001',
    ]);
    expect([...cursors].sort()).toEqual(cursors);
  });

  it('clamps a timestamp that goes backwards to the previous one', () => {
    const clock = new CursorClock();
    expect(clock.next('01714557600000000009')).toBe('01714557600000000009-0000000000');
    expect(clock.next('01714557600000000001')).toBe('01714557600000000009-0000000001');
    expect(clock.next('01714557600000000010')).toBe('01714557600000000010-0000000000');
  });

  it('orders a later second above a longer sequence', () => {
    expect(formatCursor('01714557600000000000', 12345) < formatCursor('01714557600000000001', 0)).toBe(true);
  });
});
