// Parser for kube-apiserver's `--token-auth-file`: CSV rows `token,user,uid[,"group1,group2"]`,
// with optional quoting as in RFC 4180. Errors name the line, never the token.
import type { Subject } from '@tailgate/plugin-sdk';

export interface TokenEntry {
  readonly token: string;
  readonly subject: Subject;
}

export type TokenFileResult =
  { readonly ok: true; readonly entries: readonly TokenEntry[] } | { readonly ok: false; readonly problems: readonly string[] };

export function parseTokenFile(text: string): TokenFileResult {
  const entries: TokenEntry[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = splitCsvLine(line);
    const [token, user, uid, groups] = fields ?? [];
    if (!fields || fields.length < 3 || fields.length > 4 || !token || !user || !uid) {
      problems.push(`line ${index + 1}: expected token,user,uid[,"groups"]`);
    } else if (seen.has(token)) {
      problems.push(`line ${index + 1}: duplicate token`);
    } else {
      seen.add(token);
      const groupList = (groups ?? '')
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean);
      entries.push({ token, subject: { user, uid, groups: groupList } });
    }
  });
  return problems.length === 0 ? { ok: true, entries } : { ok: false, problems };
}

/** Splits one CSV line; undefined when its quotes do not balance. */
export function splitCsvLine(line: string): string[] | undefined {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      fields.push(field.trim());
      field = '';
    } else {
      field += c;
    }
  }
  if (quoted) return undefined;
  fields.push(field.trim());
  return fields;
}
