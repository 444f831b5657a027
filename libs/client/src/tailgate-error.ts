// Errors as values with codes: the protocol's closed set (docs/protocol.md "Error codes") plus the
// few a client meets on its own side of the wire. Messages are the server's (which never carry
// tokens or log lines) or the client's own; a transport's raw error text is not repeated.
import { type ErrorCode, isErrorCode } from '@tailgate/contracts';

/** Failures that happen on the client's side: no server reached, no answer in time, closed by the caller. */
export const CLIENT_ERROR_CODES = ['connection_failed', 'timeout', 'closed'] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

export type TailgateErrorCode = ErrorCode | ClientErrorCode;

export class TailgateError extends Error {
  override readonly name = 'TailgateError';

  constructor(
    readonly code: TailgateErrorCode,
    message: string,
    /** The server's `details` (e.g. `{ limit, scope, max, retryAfterMs? }` for `quota_exceeded`). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }

  /** Whether `code` is one the server sends (as opposed to a client-side failure). */
  get fromServer(): boolean {
    return isErrorCode(this.code);
  }
}
