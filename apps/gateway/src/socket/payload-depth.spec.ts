import { describe, expect, it } from 'vitest';

import { exceedsDepth } from './payload-depth';

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

describe('exceedsDepth', () => {
  it('counts objects and arrays as levels, scalars as none', () => {
    expect(exceedsDepth('x', 0)).toBe(false);
    expect(exceedsDepth(null, 0)).toBe(false);
    expect(exceedsDepth({}, 0)).toBe(true);
    expect(exceedsDepth({}, 1)).toBe(false);
    expect(exceedsDepth(nested(3), 3)).toBe(false);
    expect(exceedsDepth(nested(4), 3)).toBe(true);
  });

  it('finds the one deep branch among shallow ones', () => {
    expect(exceedsDepth({ a: 1, b: [1, 2], c: { d: nested(5) } }, 6)).toBe(true);
    expect(exceedsDepth({ a: 1, b: [1, 2], c: { d: nested(4) } }, 6)).toBe(false);
  });

  it('walks a payload nested 100,000 levels without overflowing the stack', () => {
    expect(exceedsDepth(nested(100_000), 32)).toBe(true);
  });

  it('treats binary attachments as leaves', () => {
    expect(exceedsDepth({ data: Buffer.alloc(1_000_000) }, 1)).toBe(false);
    expect(exceedsDepth([new Uint8Array(10), new ArrayBuffer(10)], 1)).toBe(false);
  });
});
