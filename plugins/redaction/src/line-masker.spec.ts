import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { DEFAULT_RULE_NAMES } from './default-rules';
import { SAMPLES } from './default-rule-samples';
import { emailRule } from './email-rule';
import { lineMasker } from './line-masker';
import { MaskParamsSchema } from './mask-params';
import { maskToken } from './mask-rule';

const mask = lineMasker(MaskParamsSchema.parse({}));
const one = (line: string): string => mask([line])[0] as string;

/** Lines made of secrets, near-secrets and the characters around them, so the rules meet their edges. */
const fragments = fc.oneof(
  fc.constantFrom(...DEFAULT_RULE_NAMES.map((name) => SAMPLES[name]![0])),
  fc.constantFrom(
    'Bearer ',
    'bearer',
    'AKIA',
    'eyJ',
    '.',
    '@',
    '=',
    ':',
    '"',
    "'",
    ' ',
    '&sig=',
    'password=',
    'AccountKey=',
    'xoxb-',
    'ghp_',
  ),
  fc.constantFrom(...DEFAULT_RULE_NAMES.map((name) => maskToken(name))),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[A-Za-z0-9+/_.-]{1,48}$/),
);
const lines = fc.array(fragments, { maxLength: 12 }).map((parts) => parts.join(''));

/** The longest mask token, and the shortest text a rule replaces. */
const LONGEST_TOKEN = Math.max(...DEFAULT_RULE_NAMES.map((name) => maskToken(name).length));

describe('lineMasker', () => {
  it('is idempotent: masking a masked line changes nothing', () => {
    fc.assert(
      fc.property(lines, (line) => {
        const once = one(line);
        expect(one(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws, and answers one line per line', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(lines, fc.string({ unit: 'binary' })), { maxLength: 20 }), (batch) => {
        expect(mask(batch)).toHaveLength(batch.length);
      }),
      { numRuns: 300 },
    );
  });

  it('never lengthens a line by more than one mask token per four characters', () => {
    fc.assert(
      fc.property(lines, (line) => {
        expect(one(line).length).toBeLessThanOrEqual(line.length + Math.ceil(line.length / 4) * LONGEST_TOKEN);
      }),
      { numRuns: 500 },
    );
  });

  it('applies the patterns of a profile after the built-in rules, keeping a `keep` group', () => {
    const custom = lineMasker(
      MaskParamsSchema.parse({ rules: [], patterns: [{ name: 'order-id', pattern: '(?<keep>order=)ORD-[0-9]{6}', ignoreCase: false }] }),
    );
    expect(custom(['paid order=ORD-123456 by jane@example.com'])).toEqual(['paid order=[REDACTED:order-id] by jane@example.com']);
  });

  it('applies a pattern with hints to the lines holding one, in any case', () => {
    const custom = lineMasker(
      MaskParamsSchema.parse({ rules: ['email'], patterns: [{ name: 'ticket', pattern: 'TCK-[0-9]{4}', hints: ['tck-'] }] }),
    );
    expect(custom(['opened TCK-1234', 'no ticket here', 'mail ops@example.com'])).toEqual([
      'opened [REDACTED:ticket]',
      'no ticket here',
      'mail [REDACTED:email]',
    ]);
  });

  it('refuses a pattern of catastrophic shape without echoing it', () => {
    const parsed = MaskParamsSchema.safeParse({ patterns: [{ name: 'bad', pattern: '(a+)+$' }] });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).not.toContain('(a+)+');
  });

  it('scans a long line without an address in one pass per @ (a run of word characters is not rescanned)', () => {
    const run = 'a'.repeat(200_000);
    const email = (line: string) => emailRule().mask(line, line.toLowerCase());
    expect(email(`${run}@${run}`)).toBe(`${run}@${run}`);
    expect(email(`${run}@example.com`)).toBe('[REDACTED:email]');
  });
});
