import { describe, expect, it } from 'vitest';

import { compareTimestampKeys, timestampKey } from './timestamp-key';

const key = (ts: string) => {
  const parsed = timestampKey(ts);
  if (!parsed) throw new Error(`not a timestamp: ${ts}`);
  return parsed;
};

describe('timestampKey', () => {
  it('keeps nanoseconds that a Date would lose', () => {
    expect(compareTimestampKeys(key('2026-01-01T12:00:00.000000001Z'), key('2026-01-01T12:00:00.000000002Z'))).toBeLessThan(0);
    expect(key('2026-01-01T12:00:00.123456789Z').nanos).toBe(123_456_789);
  });

  it('compares instants across zones and fraction lengths, not text', () => {
    // As text, "13:00:00.5+01:00" sorts after "12:00:00.25Z"; as instants it is later by 0.25 s.
    expect(compareTimestampKeys(key('2026-01-01T13:00:00.5+01:00'), key('2026-01-01T12:00:00.25Z'))).toBeGreaterThan(0);
    expect(compareTimestampKeys(key('2026-01-01T13:00:00.5+01:00'), key('2026-01-01T12:00:00.500Z'))).toBe(0);
    expect(compareTimestampKeys(key('2026-01-01T11:59:59.9-00:00'), key('2026-01-01T12:00:00Z'))).toBeLessThan(0);
  });

  it('treats a missing fraction as zero', () => {
    expect(key('2026-01-01T12:00:00Z')).toEqual({ seconds: Date.UTC(2026, 0, 1, 12) / 1000, nanos: 0 });
  });

  it('answers undefined for what is not an RFC 3339 date-time with a zone', () => {
    for (const ts of ['', 'yesterday', '2026-01-01', '2026-01-01T12:00:00', '2026-13-01T12:00:00Z'])
      expect(timestampKey(ts)).toBeUndefined();
  });
});
