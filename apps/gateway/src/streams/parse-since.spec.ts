import { describe, expect, it } from 'vitest';

import { parseSince } from './parse-since';

describe('parseSince', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  it.each([
    ['1500ms', '2026-01-01T11:59:58.500Z'],
    ['30s', '2026-01-01T11:59:30.000Z'],
    ['5m', '2026-01-01T11:55:00.000Z'],
    ['2h', '2026-01-01T10:00:00.000Z'],
    ['2025-12-31T23:00:00Z', '2025-12-31T23:00:00.000Z'],
  ])('reads %s', (since, expected) => expect(parseSince(since, now).toISOString()).toBe(expected));
});
