import { describe, expect, it } from 'vitest';

import type { NewLogEntry } from './log-entry';
import { LineStore } from './line-store';

const line = (text: string): NewLogEntry => ({
  kind: 'line',
  ts: '2026-12-07T10:00:00Z',
  ns: 'team-a',
  pod: 'api',
  container: 'c',
  stream: 'stdout',
  line: text,
  json: false,
});

const texts = (store: LineStore) => store.entries().map((e) => (e.kind === 'line' ? e.line : e.text));

describe('LineStore', () => {
  it('holds everything below its bound, numbered from 1, and discards nothing', () => {
    const store = new LineStore(5);
    store.append([line('a'), line('b'), line('c')]);
    expect(texts(store)).toEqual(['a', 'b', 'c']);
    expect(store.entries().map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(store.discarded).toBe(0);
    expect([store.firstSeq, store.lastSeq, store.size]).toEqual([1, 3, 3]);
  });

  it('keeps the newest `capacity` entries and counts exactly how many older ones it discarded', () => {
    const store = new LineStore(3);
    store.append([line('1'), line('2')]);
    store.append([line('3'), line('4'), line('5'), line('6'), line('7')]);
    expect(texts(store)).toEqual(['5', '6', '7']);
    expect(store.size).toBe(3);
    expect(store.discarded).toBe(4);
    expect([store.firstSeq, store.lastSeq]).toEqual([5, 7]);
    expect(store.bySeq(4)).toBeUndefined();
    expect(store.bySeq(6)).toMatchObject({ line: '6', seq: 6 });
  });

  it('never holds more than its bound, however much arrives', () => {
    const store = new LineStore(1_000);
    for (let batch = 0; batch < 100; batch += 1) store.append(Array.from({ length: 503 }, (_, i) => line(`${batch}-${i}`)));
    expect(store.size).toBe(1_000);
    expect(store.discarded).toBe(50_300 - 1_000);
    expect(store.at(999)).toMatchObject({ line: '99-502' });
  });

  it('forgets lines and the discard count on clear, but never reuses a seq', () => {
    const store = new LineStore(2);
    store.append([line('a'), line('b'), line('c')]);
    store.clear();
    expect([store.size, store.discarded]).toEqual([0, 0]);
    store.append([line('d')]);
    expect(store.entries()).toEqual([expect.objectContaining({ line: 'd', seq: 4 })]);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new LineStore(0)).toThrow(RangeError);
  });
});
