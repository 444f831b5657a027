// Go text/template's grammar, the part stern users write: actions with pipelines, function calls,
// literals, variables, parenthesised pipelines, if / else if / else, with, range (with break and
// continue), and comments. Functions are checked here, so a typo is an error before any record.
import type { Command, Operand, Pipeline, TemplateNode } from './template-ast';
import { lexTemplate, syntaxError, type Token, type TokenType } from './template-lexer';

export interface ParseOptions {
  /** Function names the template may call. */
  readonly functions: ReadonlySet<string>;
  /** The top-level dot's field names: `.Nope` outside `with`/`range` is an error at parse time. */
  readonly rootFields?: ReadonlySet<string>;
}

const UNSUPPORTED = new Set(['define', 'template', 'block']);

export function parseTemplate(source: string, options: ParseOptions): readonly TemplateNode[] {
  return new Parser(source, lexTemplate(source), options).parseRoot();
}

class Parser {
  private i = 0;
  private readonly scopes: string[][] = [['$']];
  /** Whether dot is the record here (not inside `with` or `range`). */
  private dotIsRoot = true;
  private rangeDepth = 0;
  /** The `end` or `else` keyword that ended the last list, for error positions. */
  private lastKeyword: Token | undefined;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
    private readonly options: ParseOptions,
  ) {}

  parseRoot(): readonly TemplateNode[] {
    const { list, end } = this.parseList();
    if (end !== 'eof') throw this.error(this.lastKeyword ?? this.previous(), `unexpected {{${end}}}`);
    return list;
  }

  /** Nodes up to `{{end}}`, `{{else}}` or the end of input; says which ended it (consuming `end`/`else`). */
  private parseList(): { list: TemplateNode[]; end: 'eof' | 'end' | 'else' } {
    const list: TemplateNode[] = [];
    for (;;) {
      const token = this.next();
      if (token.type === 'eof') return { list, end: 'eof' };
      if (token.type === 'text') {
        list.push({ t: 'text', text: token.value });
        continue;
      }
      // token is `{{`
      const keyword = this.peek();
      if (keyword.type === 'identifier') {
        switch (keyword.value) {
          case 'end':
            this.lastKeyword = this.next();
            this.expect('close', 'in end');
            return { list, end: 'end' };
          case 'else':
            this.lastKeyword = this.next();
            return { list, end: 'else' };
          case 'if':
          case 'with':
            this.next();
            list.push(this.parseBranch(keyword.value, keyword));
            continue;
          case 'range':
            this.next();
            list.push(this.parseRange(keyword));
            continue;
          case 'break':
          case 'continue':
            this.next();
            if (this.rangeDepth === 0) throw this.error(keyword, `{{${keyword.value}}} outside {{range}}`);
            this.expect('close', `in ${keyword.value}`);
            list.push({ t: keyword.value });
            continue;
          default:
            if (UNSUPPORTED.has(keyword.value)) throw this.error(keyword, `{{${keyword.value}}} is not supported`);
        }
      }
      const pipe = this.parsePipeline('command', true);
      list.push({ t: 'action', pipe, offset: token.offset });
    }
  }

  private parseBranch(kind: 'if' | 'with', keyword: Token): TemplateNode {
    this.scopes.push([]);
    const pipe = this.parsePipeline(kind, true);
    const savedDot = this.dotIsRoot;
    if (kind === 'with') this.dotIsRoot = false;
    const body = this.parseList();
    this.dotIsRoot = savedDot;
    if (body.end === 'eof') throw this.error(keyword, `unexpected EOF: {{${kind}}} without {{end}}`);
    // Variables declared in the pipeline stay visible up to the structure's {{end}}, else branch included.
    const node: TemplateNode =
      body.end === 'end'
        ? { t: kind, pipe, list: body.list, offset: keyword.offset }
        : { t: kind, pipe, list: body.list, elseList: this.parseElse(keyword), offset: keyword.offset };
    this.scopes.pop();
    return node;
  }

  /** After `{{else`: either `}}` … `{{end}}`, or `if …`/`with …` chaining into a nested branch. */
  private parseElse(keyword: Token): TemplateNode[] {
    const chained = this.peek();
    if (chained.type === 'identifier' && (chained.value === 'if' || chained.value === 'with')) {
      this.next();
      // `{{else if x}}…{{end}}` is `{{else}}{{if x}}…{{end}}{{end}}` with one shared end.
      return [this.parseBranch(chained.value, chained)];
    }
    this.expect('close', 'in else');
    const rest = this.parseList();
    if (rest.end === 'else') throw this.error(this.previous(), 'expected end; found {{else}}');
    if (rest.end === 'eof') throw this.error(keyword, 'unexpected EOF: {{else}} without {{end}}');
    return rest.list;
  }

  private parseRange(keyword: Token): TemplateNode {
    this.scopes.push([]);
    const pipe = this.parsePipeline('range', true);
    const savedDot = this.dotIsRoot;
    this.dotIsRoot = false;
    this.rangeDepth += 1;
    const body = this.parseList();
    this.rangeDepth -= 1;
    this.dotIsRoot = savedDot;
    if (body.end === 'eof') throw this.error(keyword, 'unexpected EOF: {{range}} without {{end}}');
    let elseList: TemplateNode[] | undefined;
    if (body.end === 'else') {
      this.expect('close', 'in else');
      const rest = this.parseList();
      if (rest.end !== 'end') throw this.error(keyword, '{{range}} … {{else}} without {{end}}');
      elseList = rest.list;
    }
    this.scopes.pop();
    return { t: 'range', pipe, list: body.list, ...(elseList && { elseList }), offset: keyword.offset };
  }

  /** A pipeline up to `}}` (or `)` when nested), with an optional declaration in front. */
  private parsePipeline(context: string, toClose: boolean): Pipeline {
    const vars: string[] = [];
    let assign = false;
    const save = this.i;
    if (this.peek().type === 'variable') {
      const names = [this.next()];
      if (context === 'range' && this.peek().type === 'comma') {
        this.next();
        const second = this.next();
        if (second.type !== 'variable') throw this.error(second, 'expected a variable after the comma in range');
        names.push(second);
      }
      const op = this.peek();
      if (op.type === 'declare' || (op.type === 'assign' && names.length === 1)) {
        this.next();
        assign = op.type === 'assign';
        for (const name of names) {
          if (assign) this.checkVariable(name);
          else this.scopes[this.scopes.length - 1]?.push(name.value);
          vars.push(name.value);
        }
      } else {
        this.i = save;
      }
    }
    const commands: Command[] = [];
    for (;;) {
      const start = this.peek();
      const args = this.parseOperands();
      if (args.length === 0) throw this.error(start, `missing value for ${context}`);
      commands.push({ args, offset: start.offset });
      const after = this.next();
      if (after.type === 'pipe') continue;
      if (toClose && after.type === 'close') break;
      if (!toClose && after.type === 'rparen') break;
      throw this.error(after, `unexpected ${describe(after)} in ${context}`);
    }
    commands.forEach((command, index) => {
      const first = command.args[0] as Operand;
      if (first.t !== 'function' && (command.args.length > 1 || index > 0)) {
        throw this.error(this.tokenAt(command.offset), "can't give argument to non-function");
      }
    });
    return { vars, assign, commands };
  }

  private parseOperands(): Operand[] {
    const args: Operand[] = [];
    for (;;) {
      const token = this.peek();
      const operand = this.parseOperand(token);
      if (operand === undefined) return args;
      args.push(operand);
    }
  }

  private parseOperand(token: Token): Operand | undefined {
    switch (token.type) {
      case 'dot':
        this.next();
        return { t: 'dot' };
      case 'field': {
        const chain = this.chainFrom(this.next());
        if (this.dotIsRoot && this.options.rootFields && !this.options.rootFields.has(chain[0] as string)) {
          throw this.error(token, `can't evaluate field ${chain[0]} of the record`);
        }
        return { t: 'field', chain };
      }
      case 'variable': {
        this.next();
        this.checkVariable(token);
        return { t: 'variable', name: token.value, chain: this.chainAfter(token) };
      }
      case 'string':
        this.next();
        return { t: 'literal', value: token.value };
      case 'number': {
        this.next();
        const value = Number(token.value.replace(/_/g, ''));
        if (!Number.isFinite(value)) throw this.error(token, `bad number syntax: ${token.value}`);
        return { t: 'literal', value };
      }
      case 'lparen': {
        this.next();
        const pipe = this.parsePipeline('parenthesized pipeline', false);
        return { t: 'pipeline', pipe, chain: this.chainAfter(this.previous()) };
      }
      case 'identifier':
        return this.parseIdentifier(token);
      default:
        return undefined;
    }
  }

  private parseIdentifier(token: Token): Operand {
    this.next();
    switch (token.value) {
      case 'true':
      case 'false':
        return { t: 'literal', value: token.value === 'true' };
      case 'nil':
        return { t: 'literal', value: null };
      default:
        if (!this.options.functions.has(token.value)) throw this.error(token, `function "${token.value}" not defined`);
        return { t: 'function', name: token.value };
    }
  }

  /** `.A.B.C`: the first field token and the adjacent ones after it. */
  private chainFrom(first: Token): string[] {
    return [first.value, ...this.chainAfter(first)];
  }

  private chainAfter(previous: Token): string[] {
    const chain: string[] = [];
    let end = tokenEnd(previous);
    while (this.peek().type === 'field' && this.peek().offset === end) {
      const field = this.next();
      chain.push(field.value);
      end = tokenEnd(field);
    }
    return chain;
  }

  private checkVariable(token: Token): void {
    if (!this.scopes.some((scope) => scope.includes(token.value))) throw this.error(token, `undefined variable "${token.value}"`);
  }

  private next(): Token {
    const token = this.tokens[this.i] as Token;
    if (token.type !== 'eof') this.i += 1;
    return token;
  }

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private previous(): Token {
    return this.tokens[Math.max(0, this.i - 1)] as Token;
  }

  private tokenAt(offset: number): Token {
    return this.tokens.find((token) => token.offset === offset) ?? this.previous();
  }

  private expect(type: TokenType, context: string): Token {
    const token = this.next();
    if (token.type !== type) throw this.error(token, `unexpected ${describe(token)} ${context}`);
    return token;
  }

  private error(token: Token, reason: string): Error {
    return syntaxError(this.source, token.offset, reason);
  }
}

function tokenEnd(token: Token): number {
  switch (token.type) {
    case 'field':
      return token.offset + 1 + token.value.length;
    case 'variable':
      return token.offset + token.value.length;
    default:
      return token.offset + 1;
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case 'eof':
      return 'EOF';
    case 'close':
      return '"}}"';
    case 'text':
      return 'text';
    default:
      return JSON.stringify(token.type === 'field' ? `.${token.value}` : token.value);
  }
}
