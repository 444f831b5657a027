// Runs a parsed template against one value (the record). No parsing happens here; variables live
// on one stack that is cut back at the end of each control structure, as Go scopes them.
import type { Command, Operand, Pipeline, TemplateNode } from './template-ast';
import { TemplateExecError } from './template-error';
import { isMap, isStruct, NO_FIELD, printValue, type TemplateValue, truth, typeName } from './template-value';

/** A template function: Go's (value, error) becomes a return or a thrown TemplateExecError. */
export type TemplateFunction = (args: readonly TemplateValue[]) => TemplateValue;

const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
type Flow = typeof NORMAL | typeof BREAK | typeof CONTINUE;

export class TemplateProgram {
  private names: string[] = [];
  private values: TemplateValue[] = [];
  private out = '';

  constructor(
    private readonly nodes: readonly TemplateNode[],
    private readonly functions: ReadonlyMap<string, TemplateFunction>,
  ) {}

  /** The template's output for `data`; throws TemplateExecError when a helper or a field fails. */
  execute(data: TemplateValue): string {
    this.names = ['$'];
    this.values = [data];
    this.out = '';
    try {
      this.runList(this.nodes, data);
      return this.out;
    } finally {
      this.out = '';
      this.values = [];
    }
  }

  private runList(nodes: readonly TemplateNode[], dot: TemplateValue): Flow {
    for (const node of nodes) {
      const flow = this.runNode(node, dot);
      if (flow !== NORMAL) return flow;
    }
    return NORMAL;
  }

  private runNode(node: TemplateNode, dot: TemplateValue): Flow {
    switch (node.t) {
      case 'text':
        this.out += node.text;
        return NORMAL;
      case 'action': {
        const value = this.evalPipeline(node.pipe, dot);
        if (node.pipe.vars.length === 0) this.out += printValue(value);
        return NORMAL;
      }
      case 'if':
      case 'with': {
        const mark = this.names.length;
        const value = this.evalPipeline(node.pipe, dot);
        let flow: Flow = NORMAL;
        if (truth(value)) flow = this.runList(node.list, node.t === 'with' ? value : dot);
        else if (node.elseList) flow = this.runList(node.elseList, dot);
        this.cut(mark);
        return flow;
      }
      case 'range':
        return this.runRange(node, dot);
      case 'break':
        return BREAK;
      case 'continue':
        return CONTINUE;
    }
  }

  private runRange(node: Extract<TemplateNode, { t: 'range' }>, dot: TemplateValue): Flow {
    const mark = this.names.length;
    const collection = this.evalPipeline({ ...node.pipe, vars: [] }, dot);
    const entries = rangeEntries(collection);
    if (entries.length === 0) {
      const flow = node.elseList ? this.runList(node.elseList, dot) : NORMAL;
      this.cut(mark);
      return flow;
    }
    for (const [key, element] of entries) {
      const [first, second] = node.pipe.vars;
      if (second !== undefined && first !== undefined) {
        this.declare(first, key);
        this.declare(second, element);
      } else if (first !== undefined) {
        this.declare(first, element);
      }
      const flow = this.runList(node.list, element);
      this.cut(mark);
      if (flow === BREAK) break;
    }
    return NORMAL;
  }

  private evalPipeline(pipe: Pipeline, dot: TemplateValue): TemplateValue {
    let value: TemplateValue = undefined;
    pipe.commands.forEach((command, index) => {
      value = this.evalCommand(command, dot, index > 0, value);
    });
    for (const name of pipe.vars) {
      if (pipe.assign) this.assign(name, value);
      else this.declare(name, value);
    }
    return value;
  }

  private evalCommand(command: Command, dot: TemplateValue, piped: boolean, final: TemplateValue): TemplateValue {
    const [first, ...rest] = command.args as [Operand, ...Operand[]];
    if (first.t !== 'function') return this.evalOperand(first, dot);
    if (first.name === 'and' || first.name === 'or') return this.evalLogic(first.name, rest, dot, piped, final);
    const fn = this.functions.get(first.name) as TemplateFunction;
    const args = rest.map((operand) => this.evalOperand(operand, dot));
    if (piped) args.push(final);
    try {
      return fn(args);
    } catch (error) {
      throw new TemplateExecError(`error calling ${first.name}: ${error instanceof Error ? error.message : 'failed'}`);
    }
  }

  /** `and` and `or` stop at the first operand that decides, as Go's do. */
  private evalLogic(
    name: 'and' | 'or',
    operands: readonly Operand[],
    dot: TemplateValue,
    piped: boolean,
    final: TemplateValue,
  ): TemplateValue {
    const count = operands.length + (piped ? 1 : 0);
    if (count === 0) throw new TemplateExecError(`wrong number of args for ${name}: want at least 1 got 0`);
    let value: TemplateValue = undefined;
    for (let i = 0; i < count; i++) {
      value = i < operands.length ? this.evalOperand(operands[i] as Operand, dot) : final;
      if (truth(value) === (name === 'or')) return value;
    }
    return value;
  }

  private evalOperand(operand: Operand, dot: TemplateValue): TemplateValue {
    switch (operand.t) {
      case 'dot':
        return dot;
      case 'literal':
        return operand.value;
      case 'field':
        return fieldChain(dot, operand.chain);
      case 'variable':
        return fieldChain(this.lookup(operand.name), operand.chain);
      case 'pipeline':
        return fieldChain(this.evalPipeline(operand.pipe, dot), operand.chain);
      case 'function':
        throw new TemplateExecError(`${operand.name} is a function, not a value; use parentheses to call it`);
    }
  }

  private declare(name: string, value: TemplateValue): void {
    this.names.push(name);
    this.values.push(value);
  }

  private assign(name: string, value: TemplateValue): void {
    const index = this.names.lastIndexOf(name);
    if (index === -1) throw new TemplateExecError(`undefined variable: ${name}`);
    this.values[index] = value;
  }

  private lookup(name: string): TemplateValue {
    const index = this.names.lastIndexOf(name);
    if (index === -1) throw new TemplateExecError(`undefined variable: ${name}`);
    return this.values[index];
  }

  private cut(mark: number): void {
    this.names.length = mark;
    this.values.length = mark;
  }
}

function fieldChain(receiver: TemplateValue, chain: readonly string[]): TemplateValue {
  let value = receiver;
  for (const name of chain) {
    if (value === undefined || value === null) throw new TemplateExecError(`nil pointer evaluating interface {}.${name}`);
    if (isStruct(value)) {
      const field = value.field(name);
      if (field === NO_FIELD) throw new TemplateExecError(`can't evaluate field ${name} in type ${value.structName}`);
      value = field;
    } else if (isMap(value)) {
      value = Object.hasOwn(value, name) ? value[name] : undefined;
    } else {
      throw new TemplateExecError(`can't evaluate field ${name} in type ${typeName(value)}`);
    }
  }
  return value;
}

function rangeEntries(value: TemplateValue): (readonly [TemplateValue, TemplateValue])[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return (value as readonly TemplateValue[]).map((element, index) => [index, element] as const);
  if (typeof value === 'number' && Number.isInteger(value)) return Array.from({ length: Math.max(0, value) }, (_, i) => [i, i] as const);
  if (isMap(value)) {
    return Object.keys(value)
      .sort()
      .map((key) => [key, value[key]] as const);
  }
  throw new TemplateExecError(`range can't iterate over ${typeName(value)}`);
}
