import { describe, expect, it } from 'vitest';

import { RequestError } from '../model/request-error';
import { parseSince } from './parse-since';

describe('parseSince', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  it.each([
    ['1500ms', '2026-01-01T11:59:58.500Z'],
    ['30s', '2026-01-01T11:59:30.000Z'],
    ['5m', '2026-01-01T11:55:00.000Z'],
    ['2h', '2026-01-01T10:00:00.000Z'],
    ['2025-12-31T23:00:00Z', '2025-12-31T23:00:00.000Z'],
    ['2026-01-01T13:00:00+01:00', '2026-01-01T12:00:00.000Z'],
  ])('reads %s', (since, expected) => expect(parseSince(since, now).toISOString()).toBe(expected));

  it.each(['5', '5\u0000m', '2026-02-30T00:00:00Z', '2026-12-01'])('refuses %j with invalid_request, never a whole file', (since) => {
    expect(() => parseSince(since, now)).toThrow(RequestError);
    try {
      parseSince(since, now);
    } catch (error) {
      expect((error as RequestError).code).toBe('invalid_request');
    }
  });
});
