// The closed set of error codes a client can receive, in acknowledgements and in connect_error.
// Adding a code is a protocol change: bump PROTOCOL_VERSION and document it in docs/protocol.md.

export const ERROR_CODES = [
  'invalid_request',
  'unauthenticated',
  'forbidden',
  'not_found',
  'quota_exceeded',
  'rate_limited',
  'upstream_unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface WireError {
  readonly code: ErrorCode;
  /** Human-readable; never contains tokens, log lines or upstream error text. */
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
