// stern's line filters: --exclude drops lines that match any pattern, --include keeps only lines
// that match one, --highlight (and --include) colour the matches. Patterns compile once; Go's
// leading inline flags ((?i), (?s), (?m)) become JavaScript flags.
import { HIGHLIGHT } from './sgr-color';

/** Compiles a Go (RE2-style) regular expression; throws SyntaxError naming the pattern's problem. */
export function compileGoRegExp(pattern: string, global = false): RegExp {
  let flags = global ? 'g' : '';
  let body = pattern;
  const inline = /^\(\?([ims]+)\)/.exec(body);
  if (inline) {
    flags += [...new Set(inline[1])].join('');
    body = body.slice(inline[0].length);
  }
  return new RegExp(body, flags);
}

export interface LineFilterOptions {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly highlight: readonly string[];
  readonly colors: boolean;
}

export class LineFilter {
  private readonly include: readonly RegExp[];
  private readonly exclude: readonly RegExp[];
  private readonly highlight: RegExp | undefined;

  constructor(private readonly options: LineFilterOptions) {
    this.include = options.include.map((p) => compileGoRegExp(p));
    this.exclude = options.exclude.map((p) => compileGoRegExp(p));
    // As stern: one alternation of --include and --highlight, longest pattern first.
    const marks = [...options.include, ...options.highlight].sort((a, b) => b.length - a.length);
    this.highlight = marks.length > 0 && options.colors ? compileGoRegExp(`(${marks.join('|')})`, true) : undefined;
  }

  /** Whether the line is shown: no --exclude matches and, with --include, one matches. */
  accepts(line: string): boolean {
    for (const re of this.exclude) if (re.test(line)) return false;
    if (this.include.length === 0) return true;
    for (const re of this.include) if (re.test(line)) return true;
    return false;
  }

  /** The line with matches of --include and --highlight coloured (unchanged without colours). */
  mark(line: string): string {
    if (this.highlight === undefined) return line;
    return line.replace(this.highlight, (match) => (match === '' ? match : HIGHLIGHT.wrap(match, true)));
  }
}
