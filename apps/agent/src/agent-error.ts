// The agent's errors: a closed set of codes, each with a message safe to print (never a log line,
// never a token). main.ts prints `tailgate-agent <code>: <message>` (the health server's
// `listen_failed` is @tailgate/process's); /readyz lists the codes of what is wrong.
import { ProcessError } from '@tailgate/process';

export type AgentErrorCode =
  /** Flags or environment do not validate; `problems` lists every one. */
  | 'config_invalid'
  /** The state directory cannot be created or written: positions could not be kept. */
  | 'state_dir_unwritable';

/** Why the agent is not ready (GET /readyz), each also logged once. */
export type AgentProblemCode =
  /** Still building (positions, first listing). */
  | 'starting'
  /** The pods root does not exist (yet): hostPath not mounted? */
  | 'root_missing'
  /** The pods root cannot be listed (EACCES: mode 750 on some distributions; run as a member of its group). */
  | 'root_unreadable'
  | 'shutting_down'
  /** Authentication is on (gatewayUrl) and no session key is held: nothing it publishes would be taken. */
  | 'no_session'
  /** A bus but no gatewayUrl, and `unsigned` not set: gateways with the default authentication refuse all it publishes. */
  | 'unsigned_without_gateway_url';

export class AgentError extends ProcessError<AgentErrorCode> {
  override readonly name = 'AgentError';
}
