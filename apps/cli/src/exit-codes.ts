// The tailgate command's exit codes, one per kind of outcome a script may want to tell apart.
// docs/cli.md lists them; `exitCodeForError` maps the protocol's error codes onto them in one place.
import type { TailgateErrorCode } from '@tailgate/client';

export const EXIT_CODES = {
  /** Done: the backlog was printed (`--no-follow`), or the stream ended normally. */
  ok: 0,
  /** Anything else that went wrong: the server failed, the source gave up, a broken config file. */
  error: 1,
  /** A bad flag, argument, regular expression, template or request the server refused as invalid. */
  usage: 2,
  /** The server did not accept the token (or it expired and was not renewed). */
  unauthenticated: 3,
  /** The server refused everything asked for, or every matching container was denied. */
  forbidden: 4,
  /** No server could be reached, or it did not answer in time. */
  connectionFailed: 5,
  /** A quota or rate limit was reached (`quota_exceeded`, `rate_limited`). */
  limited: 6,
  /** The log source is unavailable right now (`upstream_unavailable`); retry later. */
  unavailable: 7,
  /** Interrupted (SIGINT / Ctrl-C), as shells report it. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export function exitCodeForError(code: TailgateErrorCode): ExitCode {
  switch (code) {
    case 'invalid_request':
      return EXIT_CODES.usage;
    case 'unauthenticated':
      return EXIT_CODES.unauthenticated;
    case 'forbidden':
      return EXIT_CODES.forbidden;
    case 'quota_exceeded':
    case 'rate_limited':
      return EXIT_CODES.limited;
    case 'upstream_unavailable':
      return EXIT_CODES.unavailable;
    case 'connection_failed':
    case 'timeout':
      return EXIT_CODES.connectionFailed;
    case 'not_found':
    case 'internal':
    case 'closed':
      return EXIT_CODES.error;
  }
}
