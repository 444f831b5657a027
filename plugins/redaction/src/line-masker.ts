// A profile's masking as one pure function over a batch of lines: each line goes through every
// rule in order, again while a round still changes it (a mask can give a later match the word
// boundary it lacked: `…KEYAWS_SECRET_ACCESS_KEY=…`), so masking a masked line changes nothing.
// Most lines hold nothing to mask: one scan for any rule's hint lets them through untouched. An
// unchanged line is handed back as itself, so the host can keep its record.
import type { LineTransform } from '@tailgate/plugin-sdk';

import { defaultRules } from './default-rules';
import type { MaskParams } from './mask-params';
import { type MaskRule, patternRule } from './mask-rule';

/** Rounds over a line at most; each round that changes it only turns text into mask tokens, so a few suffice. */
const MAX_ROUNDS = 4;

export function lineMasker(params: MaskParams): LineTransform {
  const rules: MaskRule[] = [...defaultRules(new Set(params.rules)), ...params.patterns.map(patternRule)];
  const mayMatch = hintScan(rules);
  const round = (line: string): string => {
    let out = line;
    let lower = line.toLowerCase();
    for (const rule of rules) {
      const next = rule.mask(out, lower);
      if (next !== out) lower = next.toLowerCase();
      out = next;
    }
    return out;
  };
  const maskLine = (line: string): string => {
    if (!mayMatch(line)) return line;
    let out = round(line);
    if (out === line) return line;
    for (let i = 1; i < MAX_ROUNDS; i++) {
      const next = round(out);
      if (next === out) break;
      out = next;
    }
    return out;
  };
  return (lines) => lines.map(maskLine);
}

/** Whether a line holds any rule's hint (in either case); every line may match when a rule has none. */
function hintScan(rules: readonly MaskRule[]): (line: string) => boolean {
  if (rules.length === 0) return () => false;
  if (rules.some((rule) => rule.hints === undefined || rule.hints.length === 0)) return () => true;
  const hints = [...new Set(rules.flatMap((rule) => rule.hints ?? []).map((hint) => hint.toLowerCase()))];
  const any = new RegExp(hints.map((hint) => hint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
  return (line) => any.test(line);
}
