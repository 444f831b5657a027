import { describe, expect, it } from 'vitest';

import { MICRO_TIME_PATTERN } from './audit-event';
import { formatMicroTime } from './micro-time';

describe('formatMicroTime', () => {
  it('writes UTC with six fractional digits, as metav1.MicroTime marshals', () => {
    expect(formatMicroTime(new Date('2026-05-01T12:00:00.123+02:00'))).toBe('2026-05-01T10:00:00.123000Z');
    expect(formatMicroTime(new Date('2026-05-01T10:00:00Z'))).toMatch(MICRO_TIME_PATTERN);
  });

  it('adds the sub-millisecond digits a Date cannot hold', () => {
    expect(formatMicroTime(new Date('2026-05-01T10:00:00.123Z'), 45)).toBe('2026-05-01T10:00:00.123045Z');
  });

  it('refuses an invalid date or out-of-range microseconds instead of writing a bad timestamp', () => {
    expect(() => formatMicroTime(new Date('nope'))).toThrow(RangeError);
    expect(() => formatMicroTime(new Date(0), 1000)).toThrow(RangeError);
  });
});
