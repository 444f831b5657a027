import type { WireRecord } from '@tailgate/contracts';
import { describe, expect, it } from 'vitest';

import { CursorBook } from './cursor-book';
import { resubscribeRequest } from './resubscribe-request';

const record = (container: string, cursor: string): WireRecord => ({
  ts: '2026-01-01T12:00:00Z',
  ns: 'ns',
  pod: 'pod',
  container,
  stream: 'stdout',
  line: `${container}:${cursor}`,
  cursor,
});

describe('CursorBook', () => {
  it('remembers the last cursor per container', () => {
    const book = new CursorBook();
    expect(book.empty).toBe(true);
    book.admit([record('a', '1'), record('b', '7'), record('a', '2')]);
    expect(book.cursors()).toEqual({ 'ns/pod/a': '2', 'ns/pod/b': '7' });
    expect(book.empty).toBe(false);
  });

  it("drops a record whose cursor is its container's last delivered one, and nothing else", () => {
    const book = new CursorBook();
    book.admit([record('a', '1'), record('a', '2')]);
    const admitted = book.admit([record('a', '2'), record('b', '2'), record('a', '1'), record('a', '3')]);
    // Cursors are opaque: '1' after '2' is not judged older, only an exact repeat of the last one is dropped.
    expect(admitted.map((r) => r.line)).toEqual(['b:2', 'a:1', 'a:3']);
  });
});

describe('resubscribeRequest', () => {
  const options = {
    source: 'node-file.pods',
    selector: { namespace: 'team-a' },
    tail: 10,
    since: '5m',
    follow: true,
    order: 'time' as const,
  };

  it('repeats the original request, tail and since included, when nothing was received', () => {
    expect(resubscribeRequest({ ...options, merge: { windowMs: 100 }, bufferRecords: 5 }, {})).toEqual({
      source: 'node-file.pods',
      selector: { namespace: 'team-a' },
      tail: 10,
      since: '5m',
      follow: true,
      order: 'time',
    });
  });

  it('resumes from the received cursors without tail or since', () => {
    expect(resubscribeRequest(options, { 'ns/pod/a': 'c1' })).toEqual({
      source: 'node-file.pods',
      selector: { namespace: 'team-a' },
      follow: true,
      order: 'time',
      resume: { 'ns/pod/a': 'c1' },
    });
  });

  it('keeps the containers of an original resume that sent nothing since', () => {
    const resume = { 'ns/pod/a': 'old-a', 'ns/pod/b': 'old-b' };
    expect(resubscribeRequest({ source: 's', resume }, { 'ns/pod/a': 'new-a' }).resume).toEqual({
      'ns/pod/a': 'new-a',
      'ns/pod/b': 'old-b',
    });
  });
});
