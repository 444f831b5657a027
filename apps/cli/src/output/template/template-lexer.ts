// Splits a template into text and the tokens of its actions (`{{ … }}`), Go text/template's
// lexical rules: `{{-` and `-}}` trim the whitespace beside them, `{{/* */}}` is a comment,
// strings are "quoted" (with escapes) or `raw`. Every token keeps its offset for error positions.
import { TemplateSyntaxError } from './template-error';

export type TokenType =
  | 'text'
  | 'open'
  | 'close'
  | 'field'
  | 'dot'
  | 'variable'
  | 'identifier'
  | 'string'
  | 'number'
  | 'pipe'
  | 'lparen'
  | 'rparen'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'eof';

export interface Token {
  readonly type: TokenType;
  /** Text for `text`; the name for `field` (without the dot) and `variable` (with `$`); the decoded string. */
  readonly value: string;
  readonly offset: number;
}

const SPACE = /[ \t\r\n]/;

export function lexTemplate(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let trimNext = false;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    let text = source.slice(i, open === -1 ? source.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    if (open === -1) {
      if (text) tokens.push({ type: 'text', value: text, offset: i });
      break;
    }
    let start = open + 2;
    if (source[start] === '-' && SPACE.test(source[start + 1] ?? '')) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 1;
    }
    if (text) tokens.push({ type: 'text', value: text, offset: i });
    const afterSpace = skipSpace(source, start);
    if (source.startsWith('/*', afterSpace)) {
      const end = source.indexOf('*/', afterSpace + 2);
      if (end === -1) throw syntaxError(source, open, 'unclosed comment');
      const close = closeAt(source, skipSpace(source, end + 2));
      if (close === undefined) throw syntaxError(source, end, 'comment ends before closing delimiter');
      trimNext = close.trim;
      i = close.next;
      continue;
    }
    tokens.push({ type: 'open', value: '{{', offset: open });
    const end = lexAction(source, start, tokens);
    trimNext = end.trim;
    i = end.next;
  }
  tokens.push({ type: 'eof', value: '', offset: source.length });
  return tokens;
}

function skipSpace(source: string, i: number): number {
  while (i < source.length && SPACE.test(source[i] as string)) i += 1;
  return i;
}

function closeAt(source: string, i: number): { next: number; trim: boolean } | undefined {
  if (source.startsWith('-}}', i)) return { next: i + 3, trim: true };
  if (source.startsWith('}}', i)) return { next: i + 2, trim: false };
  return undefined;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const NUMBER = /^[+-]?(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?)/;

function lexAction(source: string, start: number, tokens: Token[]): { next: number; trim: boolean } {
  let i = start;
  for (;;) {
    if (i >= source.length) throw syntaxError(source, start, 'unclosed action');
    const ch = source[i] as string;
    if (SPACE.test(ch)) {
      // ` -}}`: a trim marker needs the space before it.
      const after = skipSpace(source, i);
      if (source.startsWith('-}}', after)) {
        tokens.push({ type: 'close', value: '}}', offset: after });
        return { next: after + 3, trim: true };
      }
      i = after;
      continue;
    }
    if (source.startsWith('}}', i)) {
      tokens.push({ type: 'close', value: '}}', offset: i });
      return { next: i + 2, trim: false };
    }
    const single = SINGLE[ch];
    if (single !== undefined) {
      if (ch === ':' && source[i + 1] === '=') {
        tokens.push({ type: 'declare', value: ':=', offset: i });
        i += 2;
        continue;
      }
      if (ch !== ':') {
        tokens.push({ type: single, value: ch, offset: i });
        i += 1;
        continue;
      }
    }
    if (ch === '"' || ch === '`') {
      const { value, next } = ch === '"' ? lexQuoted(source, i) : lexRaw(source, i);
      tokens.push({ type: 'string', value, offset: i });
      i = next;
      continue;
    }
    if (ch === '.' && !/\d/.test(source[i + 1] ?? '')) {
      const name = readWord(source, i + 1);
      tokens.push(name === '' ? { type: 'dot', value: '.', offset: i } : { type: 'field', value: name, offset: i });
      i += 1 + name.length;
      continue;
    }
    if (ch === '$') {
      const name = readWord(source, i + 1);
      tokens.push({ type: 'variable', value: `$${name}`, offset: i });
      i += 1 + name.length;
      continue;
    }
    const number = /[\d+\-.]/.test(ch) ? NUMBER.exec(source.slice(i, i + 64)) : null;
    if (number !== null && number[0] !== '' && number[0] !== '-' && number[0] !== '+') {
      tokens.push({ type: 'number', value: number[0], offset: i });
      i += number[0].length;
      continue;
    }
    if (IDENT_START.test(ch)) {
      const name = readWord(source, i);
      tokens.push({ type: 'identifier', value: name, offset: i });
      i += name.length;
      continue;
    }
    throw syntaxError(source, i, `unexpected ${JSON.stringify(ch)} in action`);
  }
}

const SINGLE: Readonly<Record<string, TokenType>> = {
  '|': 'pipe',
  '(': 'lparen',
  ')': 'rparen',
  '=': 'assign',
  ',': 'comma',
  ':': 'declare',
};

function readWord(source: string, i: number): string {
  let j = i;
  while (j < source.length && IDENT_PART.test(source[j] as string)) j += 1;
  return source.slice(i, j);
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  "'": "'",
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

function lexQuoted(source: string, start: number): { value: string; next: number } {
  let value = '';
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === '"') return { value, next: i + 1 };
    if (ch === '\n') break;
    if (ch === '\\') {
      const esc = source[i + 1] ?? '';
      if (esc === 'u' || esc === 'x') {
        const length = esc === 'u' ? 4 : 2;
        const hex = source.slice(i + 2, i + 2 + length);
        if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) throw syntaxError(source, i, 'bad escape in string');
        value += String.fromCodePoint(parseInt(hex, 16));
        i += 2 + length;
        continue;
      }
      const decoded = ESCAPES[esc];
      if (decoded === undefined) throw syntaxError(source, i, 'bad escape in string');
      value += decoded;
      i += 2;
      continue;
    }
    value += ch;
    i += 1;
  }
  throw syntaxError(source, start, 'unterminated quoted string');
}

function lexRaw(source: string, start: number): { value: string; next: number } {
  const end = source.indexOf('`', start + 1);
  if (end === -1) throw syntaxError(source, start, 'unterminated raw quoted string');
  return { value: source.slice(start + 1, end), next: end + 1 };
}

/** A syntax error at `offset`, as line and column (1-based). */
export function syntaxError(source: string, offset: number, reason: string): TemplateSyntaxError {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return new TemplateSyntaxError(reason, line, column);
}
