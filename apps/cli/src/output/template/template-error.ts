// A template that cannot be parsed, with where: the command reports it as a usage error.
export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError';

  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`bad template at line ${line}, column ${column}: ${reason}`);
  }
}

/** A template that failed on one record (a helper's error, a missing field); that record is skipped. */
export class TemplateExecError extends Error {
  override readonly name = 'TemplateExecError';
}
