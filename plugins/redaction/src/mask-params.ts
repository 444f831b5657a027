// What a redaction profile says about `redaction.mask`: which built-in rules it applies and
// which patterns of its own it adds. Parsed once at boot; unsafe patterns fail the boot.
import { SafePatternSchema } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { DEFAULT_RULE_NAMES } from './default-rules';

const RULE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

export const CustomPatternSchema = z.strictObject({
  name: z.string().regex(RULE_NAME, 'kebab-case').describe('Shown in the mask: `[REDACTED:<name>]`.'),
  pattern: SafePatternSchema.describe(
    'A safe regular expression (no back-references, lookarounds or nested quantifiers); a named group `keep` stays in the line. Start it with a literal.',
  ),
  ignoreCase: z.boolean().default(false).describe('Match letters in either case.'),
  hints: z
    .array(z.string().min(1).max(64))
    .min(1)
    .max(8)
    .optional()
    .describe('Text every match contains (any case): lines with none of it skip every rule, which is what keeps masking cheap.'),
});

export const MaskParamsSchema = z.strictObject({
  rules: z
    .array(z.enum(DEFAULT_RULE_NAMES as [string, ...string[]]))
    .default([...DEFAULT_RULE_NAMES])
    .describe('Built-in rules to apply (docs/redaction.md lists them); default: all.'),
  patterns: z.array(CustomPatternSchema).max(100).default([]).describe('Patterns of your own, applied after the built-in rules.'),
});

export type MaskParams = z.output<typeof MaskParamsSchema>;
