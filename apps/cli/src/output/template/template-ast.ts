// The parsed form of a template, evaluated per record without parsing again.
import type { TemplateValue } from './template-value';

export type TemplateNode =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'action'; readonly pipe: Pipeline; readonly offset: number }
  | {
      readonly t: 'if' | 'with';
      readonly pipe: Pipeline;
      readonly list: readonly TemplateNode[];
      readonly elseList?: readonly TemplateNode[];
      readonly offset: number;
    }
  | {
      readonly t: 'range';
      readonly pipe: Pipeline;
      readonly list: readonly TemplateNode[];
      readonly elseList?: readonly TemplateNode[];
      readonly offset: number;
    }
  | { readonly t: 'break' | 'continue' };

export interface Pipeline {
  /** Variables declared (`$x :=`, `$i, $e :=` in range) or assigned (`$x =`). */
  readonly vars: readonly string[];
  readonly assign: boolean;
  readonly commands: readonly Command[];
}

export interface Command {
  readonly args: readonly Operand[];
  readonly offset: number;
}

export type Operand =
  | { readonly t: 'dot' }
  | { readonly t: 'field'; readonly chain: readonly string[] }
  | { readonly t: 'variable'; readonly name: string; readonly chain: readonly string[] }
  | { readonly t: 'function'; readonly name: string }
  | { readonly t: 'literal'; readonly value: TemplateValue }
  | { readonly t: 'pipeline'; readonly pipe: Pipeline; readonly chain: readonly string[] };
