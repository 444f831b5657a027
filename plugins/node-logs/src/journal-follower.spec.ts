import { describe, expect, it } from 'vitest';

import type { JournalLine } from './journal-answer';
import { JournalFollower, withCursors } from './journal-follower';

/** A journal as journalctl reads it: whole seconds from sinceTime, or the last N entries. */
class Journal {
  readonly lines: JournalLine[] = [];

  write(second: number, micros: number, text: string): void {
    const epochNanos = `${String(second).padStart(11, '0')}${String(micros).padStart(6, '0')}000`;
    this.lines.push({ epochNanos, ts: `t${second}.${micros}`, identifier: 'unit[1]', message: text });
  }

  since(sinceTime: string): JournalLine[] {
    const second = Date.parse(sinceTime) / 1000;
    return this.lines.filter((line) => Number(line.epochNanos.slice(0, 11)) >= second);
  }

  tail(n: number): JournalLine[] {
    return this.lines.slice(-n);
  }
}

const START = 1_714_557_600;

describe('JournalFollower', () => {
  it('asks from the second of the last line delivered and delivers every line exactly once', () => {
    const journal = new Journal();
    const follower = new JournalFollower(START);
    const delivered: string[] = [];
    const poll = () => {
      const since = follower.sinceTime();
      delivered.push(...follower.take(withCursors(journal.since(since))).map((line) => line.message));
      return since;
    };
    journal.write(START, 0, 'a');
    journal.write(START, 500, 'b');
    expect(poll()).toBe('2024-05-01T10:00:00Z');
    // Same second, and even the same microsecond as the last line delivered.
    journal.write(START, 500, 'c');
    journal.write(START, 900, 'd');
    expect(poll()).toBe('2024-05-01T10:00:00Z');
    expect(poll()).toBe('2024-05-01T10:00:00Z');
    journal.write(START + 2, 0, 'e');
    poll();
    expect(follower.sinceTime()).toBe('2024-05-01T10:00:02Z');
    journal.write(START + 2, 0, 'f');
    journal.write(START + 3, 1, 'g');
    poll();
    expect(delivered).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('starts at its start second while nothing was delivered', () => {
    expect(new JournalFollower(START).sinceTime()).toBe('2024-05-01T10:00:00Z');
  });
});

describe('withCursors', () => {
  it('orders lines by time, then by position among lines of the same microsecond', () => {
    const journal = new Journal();
    journal.write(START, 1, 'a');
    journal.write(START, 1, 'b');
    journal.write(START, 2, 'c');
    const cursors = withCursors(journal.lines).map((line) => line.cursor);
    expect(cursors).toEqual(['01714557600000001000-0000000000', '01714557600000001000-0000000001', '01714557600000002000-0000000000']);
    expect([...cursors].sort()).toEqual(cursors);
  });

  it('numbers a tail read that starts inside a microsecond like a read from the whole second, once primed', () => {
    const journal = new Journal();
    for (const text of ['a', 'b', 'c', 'd']) journal.write(START, 7, text);
    const whole = withCursors(journal.since('2024-05-01T10:00:00Z'));
    const tail = journal.tail(2);
    expect(withCursors(tail).map((line) => line.cursor)).not.toEqual(whole.slice(2).map((line) => line.cursor));
    expect(withCursors(tail, 2).map((line) => line.cursor)).toEqual(whole.slice(2).map((line) => line.cursor));
  });
});
