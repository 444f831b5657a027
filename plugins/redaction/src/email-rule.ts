// E-mail addresses, found by a linear scan from each `@`: as a pattern this would start with a
// character class (the local part) and rescan a long run of word characters from every position
// in it, quadratic in the line's length.
import { type MaskRule, maskToken } from './mask-rule';

const LOCAL = /[A-Za-z0-9._%+-]/;
const DOMAIN = /[A-Za-z0-9.-]/;
/** The domain ends in a dot and a top-level label of two letters or more. */
const DOMAIN_END = /\.[A-Za-z]{2,}$/;

export function emailRule(name = 'email'): MaskRule {
  const token = maskToken(name);
  return {
    name,
    hints: ['@'],
    mask(line) {
      let at = line.indexOf('@');
      if (at < 0) return line;
      let out = '';
      let copied = 0;
      while (at >= 0) {
        let start = at;
        while (start > copied && LOCAL.test(line[start - 1] as string)) start--;
        let end = at + 1;
        while (end < line.length && DOMAIN.test(line[end] as string)) end++;
        // A sentence's full stop or a dash after the address is not part of it.
        while (end > at + 1 && (line[end - 1] === '.' || line[end - 1] === '-')) end--;
        if (start < at && DOMAIN_END.test(line.slice(at + 1, end))) {
          out += line.slice(copied, start) + token;
          copied = end;
        }
        at = line.indexOf('@', Math.max(at + 1, copied));
      }
      return copied === 0 ? line : out + line.slice(copied);
    },
  };
}
