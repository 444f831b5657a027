import { describe, expect, it } from 'vitest';

import { TargetCursors } from './target-cursors';

describe('TargetCursors', () => {
  it('keeps own cursors while they rise, and gives late ones a cursor after the last, in the order sent', () => {
    const cursors = new TargetCursors();
    const sent = ['b', 'c', 'a', 'b', 'd', 'a'].map((own) => cursors.next(own));
    expect(sent).toEqual(['b', 'c', 'c~0000000001', 'c~0000000002', 'd', 'd~0000000001']);
    expect([...sent].sort()).toEqual(sent);
  });
});
