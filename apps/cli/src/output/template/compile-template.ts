// The template language's entry point: parse once (errors carry line and column), then execute
// per record. See docs/cli.md "Templates" for the language reference.
import { TemplateProgram } from './template-exec';
import { templateFunctions } from './template-functions';
import { parseTemplate } from './template-parser';
import type { TemplateValue } from './template-value';

export interface CompileTemplateOptions {
  /** Whether `color` and friends emit escape sequences. */
  readonly colors: boolean;
  /** Field names of the top-level value, checked at parse time. */
  readonly rootFields?: ReadonlySet<string>;
}

export interface CompiledTemplate {
  /** Throws TemplateExecError for a record the template cannot render. */
  execute(data: TemplateValue): string;
}

/** Throws TemplateSyntaxError for a template that does not parse. */
export function compileTemplate(source: string, options: CompileTemplateOptions): CompiledTemplate {
  const functions = templateFunctions(options.colors);
  const nodes = parseTemplate(source, {
    functions: new Set(functions.keys()),
    ...(options.rootFields && { rootFields: options.rootFields }),
  });
  return new TemplateProgram(nodes, functions);
}
