import { describe, expect, it } from 'vitest';

import { parseGoDuration, protocolDuration } from './go-duration';

describe('Go durations for --since', () => {
  it('reads single and compound durations', () => {
    expect(parseGoDuration('48h')).toBe(172_800_000);
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('300ms')).toBe(300);
    expect(parseGoDuration('0')).toBe(0);
  });

  it('refuses what Go would refuse', () => {
    for (const bad of ['', '5', '5d', '-5m', 'h', '5m ']) expect(parseGoDuration(bad)).toBeUndefined();
  });

  it('spells a duration in the largest exact protocol unit', () => {
    expect(protocolDuration(86_400_000)).toBe('24h');
    expect(protocolDuration(5_400_000)).toBe('90m');
    expect(protocolDuration(1500)).toBe('1500ms');
    expect(protocolDuration(0)).toBe('0s');
  });
});
