// Client-supplied regular expressions run in the host or on a node, so they must not backtrack
// catastrophically: no back-references or lookarounds, and no quantified group that itself
// contains a quantifier (`(a+)+`, `(\w*)*`), the shape behind exponential matching; length capped.
import { z } from 'zod';

export const MAX_PATTERN_LENGTH = 256;

/** A client-supplied pattern in a selector: refused with the reason when it is not safe (the pattern itself is not echoed). */
export const SafePatternSchema = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    const reason = unsafePatternReason(value);
    if (reason !== undefined) ctx.addIssue({ code: 'custom', message: `pattern refused: ${reason}` });
  });

/** Why `source` is refused, or undefined when it is a safe, valid pattern. */
export function unsafePatternReason(source: string): string | undefined {
  if (source.length > MAX_PATTERN_LENGTH) return `longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(source);
  } catch {
    return 'not a valid regular expression';
  }
  return nestedQuantifierReason(source);
}

/** The pattern compiled; throws (naming why, never echoing it) when it is not safe. */
export function compilePattern(source: string): RegExp {
  const reason = unsafePatternReason(source);
  if (reason !== undefined) throw new Error(`unsafe pattern: ${reason}`);
  return new RegExp(source);
}

function nestedQuantifierReason(source: string): string | undefined {
  // For each open group: whether a quantifier occurred inside it.
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9k]/.test(next) && !inClass) return 'back-references are not allowed';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') {
      if (source.startsWith('(?=', i) || source.startsWith('(?!', i) || source.startsWith('(?<=', i) || source.startsWith('(?<!', i)) {
        return 'lookarounds are not allowed';
      }
      groups.push(false);
      // Group modifiers are not quantifiers: skip `?:` and `?<name>`.
      const modifier = /^\(\?(?::|<[A-Za-z_$][\w$]*>)/.exec(source.slice(i));
      if (modifier !== null) i += modifier[0].length - 1;
    } else if (c === ')') {
      const hadQuantifier = groups.pop() ?? false;
      if (isQuantifierAt(source, i + 1)) {
        if (hadQuantifier) return 'a quantified group may not contain a quantifier';
        markQuantified(groups);
      } else if (hadQuantifier) markQuantified(groups);
    } else if (isQuantifierAt(source, i)) markQuantified(groups);
  }
  return undefined;
}

function isQuantifierAt(source: string, i: number): boolean {
  const c = source[i];
  return c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i)));
}

function markQuantified(groups: boolean[]): void {
  if (groups.length > 0) groups[groups.length - 1] = true;
}
