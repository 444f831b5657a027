import { describe, expect, it } from 'vitest';

import { unsafePatternReason } from './safe-pattern';

describe('unsafePatternReason', () => {
  it.each(['^checkout-', 'api|worker', '^web-[a-z0-9]+-[a-z0-9]{5}$', '(api|worker)-\\d+', 'a?b*c+', '[(+*)]+', '(?:ab)+'])(
    'accepts %s',
    (pattern) => expect(unsafePatternReason(pattern)).toBeUndefined(),
  );

  it.each([
    ['(a+)+$', 'a quantified group may not contain a quantifier'],
    ['(\\w*)*', 'a quantified group may not contain a quantifier'],
    ['((ab)+x)*', 'a quantified group may not contain a quantifier'],
    ['(a{1,3}){2}', 'a quantified group may not contain a quantifier'],
    ['(a)\\1', 'back-references are not allowed'],
    ['foo(?=bar)', 'lookarounds are not allowed'],
    ['(?<!x)y', 'lookarounds are not allowed'],
    ['(unclosed', 'not a valid regular expression'],
    ['x'.repeat(257), 'longer than 256 characters'],
  ])('refuses %s', (pattern, reason) => expect(unsafePatternReason(pattern)).toBe(reason));
});
