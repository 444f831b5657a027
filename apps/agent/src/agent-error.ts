// The agent's errors: a closed set of codes, each with a message safe to print (never a log line,
// never a token). main.ts prints `<code>: <message>`; /readyz lists the codes of what is wrong.
export type AgentErrorCode =
  /** Flags or environment do not validate; `problems` lists every one. */
  | 'config_invalid'
  /** The state directory cannot be created or written: positions could not be kept. */
  | 'state_dir_unwritable'
  /** The health and metrics server cannot listen on its address. */
  | 'listen_failed';

/** Why the agent is not ready (GET /readyz), each also logged once. */
export type AgentProblemCode =
  /** Still building (positions, first listing). */
  | 'starting'
  /** The pods root does not exist (yet): hostPath not mounted? */
  | 'root_missing'
  /** The pods root cannot be listed (EACCES: mode 750 on some distributions; run as a member of its group). */
  | 'root_unreadable'
  | 'shutting_down';

export class AgentError extends Error {
  constructor(
    readonly code: AgentErrorCode,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length === 0 ? message : `${message}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'AgentError';
  }
}

/** The errno code of a system error (EACCES, …), else the error's name: safe to log, never its text. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}
