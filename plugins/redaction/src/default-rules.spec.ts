import { unsafePatternReason } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { DEFAULT_RULE_NAMES, DEFAULT_RULE_PATTERNS } from './default-rules';
import { lineMasker } from './line-masker';
import { MaskParamsSchema } from './mask-params';
import { SAMPLES } from './default-rule-samples';

const ORDINARY = [
  'GET /healthz 200 1.2ms',
  'level=info msg="started worker" id=7 retries=3 queue=emails',
  'Bearer of bad news: the build failed',
  'user@ logged out; see host @ 10.0.0.1',
  'the token expired at 2026-12-07T21:00:00Z, refreshing',
  'AKIA is a prefix, AKIA123 too short',
  'Basic information about the password policy',
  'eyJ alone is not a token',
];

const onlyRule = (name: string) => lineMasker(MaskParamsSchema.parse({ rules: [name] }));
const all = lineMasker(MaskParamsSchema.parse({}));

describe('the built-in redaction rules', () => {
  it('has a sample for every rule', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...DEFAULT_RULE_NAMES].sort());
  });

  it.each(DEFAULT_RULE_NAMES)('%s masks its sample, alone and among all the rules', (name) => {
    const [line, masked] = SAMPLES[name]!;
    expect(onlyRule(name)([line])).toEqual([masked]);
    expect(all([line])).toEqual([masked]);
  });

  it('leaves ordinary log lines as they are, the same strings', () => {
    const out = all(ORDINARY);
    expect(out).toEqual(ORDINARY);
    out.forEach((line, i) => expect(line).toBe(ORDINARY[i]));
  });

  it('passes the safe-pattern check with every pattern', () => {
    for (const rule of DEFAULT_RULE_PATTERNS) expect(unsafePatternReason(rule.pattern), rule.name).toBeUndefined();
  });

  it('masks every secret of a line that holds several', () => {
    const line = `${SAMPLES['aws-access-key-id']![0]} and ${SAMPLES.email![0]}`;
    expect(all([line])).toEqual([`${SAMPLES['aws-access-key-id']![1]} and ${SAMPLES.email![1]}`]);
  });
});
