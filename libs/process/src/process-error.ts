// A process's start errors: a code from the process's closed set, and a message safe to print
// (never a secret, never a log line). runProcess prints `<command> <code>: <message>` and exits 1.
// Each process names its own codes by extending this class (AgentError, WorkerError).
export class ProcessError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length === 0 ? message : `${message}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ProcessError';
  }
}

/** The errno code of a system error (EADDRINUSE, EACCES, …), else the error's name: safe to log, never its text. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}
