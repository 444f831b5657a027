// Message ids: Redis stream ids, compared by time then sequence, never as strings.
import { describe, expect, it } from 'vitest';

import { assertMessageId, compareMessageIds, formatMessageId, isMessageId } from './message-ids';

describe('message ids', () => {
  it('accepts `<ms>-<seq>` and nothing else', () => {
    expect(['0-0', '1718000000000-0', '1718000000000-18446744073709551615'].every(isMessageId)).toBe(true);
    expect(['', '1', '1-', '-1', '1-1-1', ' 1-1', '1-1\n', 'a-1', '1.5-0', '+', '-'].some(isMessageId)).toBe(false);
  });

  it('orders by time, then by sequence, numerically', () => {
    expect(compareMessageIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareMessageIds('10-10', '10-9')).toBeGreaterThan(0);
    expect(compareMessageIds('10-2', '10-2')).toBe(0);
    expect(compareMessageIds('10-18446744073709551615', '10-18446744073709551614')).toBeGreaterThan(0);
  });

  it('refuses malformed ids with a coded error that does not echo long input', () => {
    expect(() => compareMessageIds('x', '1-0')).toThrow(expect.objectContaining({ code: 'invalid_message_id' }));
    expect(() => assertMessageId(`1-0${'z'.repeat(500)}`)).toThrow(/^invalid message id "1-0z{57}"/);
  });

  it('formats what it parses', () => {
    expect(formatMessageId(1_718_000_000_000, 3)).toBe('1718000000000-3');
    expect(compareMessageIds(formatMessageId(5, 0), '5-0')).toBe(0);
  });
});
