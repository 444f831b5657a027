import { describe, expect, it } from 'vitest';

import { FileSnapshotFollower, lineCursor } from './file-snapshot-follower';

describe('FileSnapshotFollower', () => {
  it('treats the file at the start as history and delivers lines appended since', () => {
    const follower = new FileSnapshotFollower(['old 1', 'old 2']);
    expect(follower.take(['old 1', 'old 2'])).toEqual([]);
    expect(follower.take(['old 1', 'old 2', 'new 1', 'new 2'])).toEqual([
      { index: 2, text: 'new 1' },
      { index: 3, text: 'new 2' },
    ]);
    expect(follower.take(['old 1', 'old 2', 'new 1', 'new 2', 'new 3'])).toEqual([{ index: 4, text: 'new 3' }]);
  });

  it('delivers all of a file that was truncated or rotated', () => {
    const follower = new FileSnapshotFollower(['a', 'b', 'c']);
    expect(follower.take(['x'])).toEqual([{ index: 0, text: 'x' }]);
    expect(follower.take(['x', 'y'])).toEqual([{ index: 1, text: 'y' }]);
    // As long as before, but the line at the old end changed: a new file.
    expect(follower.take(['p', 'q', 'r'])).toEqual([
      { index: 0, text: 'p' },
      { index: 1, text: 'q' },
      { index: 2, text: 'r' },
    ]);
  });

  it('follows a file that was empty at the start', () => {
    const follower = new FileSnapshotFollower([]);
    expect(follower.take(['first'])).toEqual([{ index: 0, text: 'first' }]);
  });
});

describe('lineCursor', () => {
  it('orders line numbers as strings', () => {
    expect(lineCursor(9) < lineCursor(10)).toBe(true);
    expect(lineCursor(99_999) < lineCursor(100_000)).toBe(true);
  });
});
