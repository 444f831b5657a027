import { describe, expect, it } from 'vitest';

import { LogPosition } from './log-position';

const t = (seconds: number, nanos = 0) => String(1_700_000_000 + seconds).padStart(11, '0') + String(nanos).padStart(9, '0');

describe('LogPosition', () => {
  it('numbers lines of one instant in order and starts again at a new instant', () => {
    const p = LogPosition.start();
    expect([p.next(t(1)), p.next(t(1)), p.next(t(2))]).toEqual([`${t(1)}-0000000000`, `${t(1)}-0000000001`, `${t(2)}-0000000000`]);
  });

  it('a re-read from the whole second skips what was delivered and continues the sequence', () => {
    const p = LogPosition.start();
    p.beginRead();
    const first = [p.next(t(5, 100)), p.next(t(5, 200)), p.next(t(5, 200))];
    expect(p.sinceTime()).toBe('2023-11-14T22:13:25Z');
    p.beginRead();
    const again = [t(5, 100), t(5, 200), t(5, 200), t(5, 200), t(6)].map((n) => p.next(n));
    expect(again).toEqual([undefined, undefined, undefined, `${t(5, 200)}-0000000002`, `${t(6)}-0000000000`]);
    expect(first).toEqual([`${t(5, 100)}-0000000000`, `${t(5, 200)}-0000000000`, `${t(5, 200)}-0000000001`]);
  });

  it('resumes after a cursor: the same lines get the same cursors as in the first read', () => {
    const first = LogPosition.start();
    const lines = [t(1), t(1), t(1), t(2)];
    const cursors = lines.map((n) => first.next(n));
    const resumed = LogPosition.after(cursors[1] as string);
    resumed.beginRead();
    expect(lines.map((n) => resumed.next(n))).toEqual([undefined, undefined, cursors[2], cursors[3]]);
  });

  it('from an instant: earlier lines are skipped, later ones start at sequence 0', () => {
    const p = LogPosition.from(t(10));
    p.beginRead();
    expect([p.next(t(9)), p.next(t(10)), p.next(t(10))]).toEqual([undefined, `${t(10)}-0000000000`, `${t(10)}-0000000001`]);
  });

  it('a clock stepping back keeps source order in the cursors', () => {
    const p = LogPosition.start();
    const a = p.next(t(3)) as string;
    const b = p.next(t(2)) as string;
    expect(b > a).toBe(true);
  });
});
