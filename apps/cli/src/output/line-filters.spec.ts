import { describe, expect, it } from 'vitest';

import { compileGoRegExp, LineFilter } from './line-filters';

const filter = (options: Partial<ConstructorParameters<typeof LineFilter>[0]>) =>
  new LineFilter({ include: [], exclude: [], highlight: [], colors: true, ...options });

describe('line filters', () => {
  it('drops lines matching any --exclude, even when an --include matches', () => {
    const f = filter({ include: ['GET'], exclude: ['health', 'ready'] });
    expect(f.accepts('GET /health')).toBe(false);
    expect(f.accepts('GET /orders')).toBe(true);
    expect(f.accepts('POST /orders')).toBe(false);
  });

  it('keeps every line without --include', () => {
    expect(filter({}).accepts('anything')).toBe(true);
  });

  it('highlights --include and --highlight matches in bold red, longest pattern first', () => {
    const f = filter({ include: ['err'], highlight: ['error'] });
    expect(f.mark('an error, err')).toBe('an \x1b[31;1merror\x1b[0m, \x1b[31;1merr\x1b[0m');
  });

  it('changes nothing without colours', () => {
    expect(filter({ highlight: ['x'], colors: false }).mark('xxx')).toBe('xxx');
  });

  it("reads Go's leading (?i) flag", () => {
    expect(compileGoRegExp('(?i)error').test('ERROR')).toBe(true);
    expect(() => compileGoRegExp('(')).toThrow();
  });
});
