// One thing redaction looks for in a line, and how it is masked: a pattern (checked against
// catastrophic shapes by the SDK's safe-pattern rules) or, where a pattern would have to start
// with a character class and so rescan the line from every position, a linear scan in code.
import { unsafePatternReason } from '@tailgate/plugin-sdk';

export interface MaskRule {
  readonly name: string;
  /** Every match contains one of these, in either case; undefined: no such text is known. */
  readonly hints?: readonly string[];
  /** Masks every occurrence in `line` (`lower` is it in lower case); returns `line` itself when there is none. */
  mask(line: string, lower: string): string;
}

export interface PatternRuleOptions {
  readonly name: string;
  /** A safe pattern (docs/redaction.md); a named group `keep` is left in place, the rest of the match is masked. */
  readonly pattern: string;
  readonly ignoreCase?: boolean;
  /** Every match contains one of these, in any case: lines with none skip the pattern. */
  readonly hints?: readonly string[];
}

/** What a match becomes: says what was there, never what it was. */
export function maskToken(name: string): string {
  return `[REDACTED:${name}]`;
}

/** A rule from a pattern; throws (naming the rule, never echoing the pattern) when the pattern is not safe. */
export function patternRule(options: PatternRuleOptions): MaskRule {
  const reason = unsafePatternReason(options.pattern);
  if (reason !== undefined) throw new Error(`redaction pattern ${options.name} refused: ${reason}`);
  const regex = new RegExp(options.pattern, options.ignoreCase === true ? 'gi' : 'g');
  const token = maskToken(options.name);
  const hints = options.hints?.map((hint) => hint.toLowerCase());
  const replace = (...args: unknown[]): string => {
    const groups = args.at(-1);
    const keep = typeof groups === 'object' && groups !== null ? (groups as { keep?: string }).keep : undefined;
    return (keep ?? '') + token;
  };
  return {
    name: options.name,
    ...(options.hints && { hints: options.hints }),
    mask(line, lower) {
      if (hints !== undefined && !hints.some((hint) => lower.includes(hint))) return line;
      const masked = line.replace(regex, replace);
      return masked === line ? line : masked;
    },
  };
}
