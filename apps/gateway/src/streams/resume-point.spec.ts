import { describe, expect, it } from 'vitest';

import { resumeCursorOf, toResumePoint } from './resume-point';

describe('toResumePoint', () => {
  it('applies a single cursor to every target', () => {
    const point = toResumePoint('c5');
    expect(point).toEqual({ byTarget: new Map(), otherwise: 'c5' });
    expect(resumeCursorOf(point, 'n/p/c')).toBe('c5');
  });

  it('continues listed targets after their own cursor and the others after the smallest one', () => {
    const point = toResumePoint({ 'n/a/c': 'c7', 'n/b/c': 'c3', 'n/d/c': 'c5' });
    expect(resumeCursorOf(point, 'n/a/c')).toBe('c7');
    expect(resumeCursorOf(point, 'n/b/c')).toBe('c3');
    expect(resumeCursorOf(point, 'n/new/c')).toBe('c3');
  });
});
