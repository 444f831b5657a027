// The one place errors become wire errors. Only codes and messages written for clients
// leave the server; anything unexpected becomes `internal` with a generic message.
import type { ErrorCode, WireError } from '@tailgate/contracts';
import { isPluginError } from '@tailgate/plugin-sdk';

export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

const PLUGIN_CODES: Readonly<Record<string, ErrorCode>> = {
  invalid_request: 'invalid_request',
  forbidden: 'forbidden',
  not_found: 'not_found',
  upstream_unavailable: 'upstream_unavailable',
};

export function toWireError(error: unknown): WireError {
  if (error instanceof RequestError) {
    return error.details
      ? { code: error.code, message: error.message, details: error.details }
      : { code: error.code, message: error.message };
  }
  if (isPluginError(error)) {
    const code = PLUGIN_CODES[error.code];
    if (code) return { code, message: error.message };
  }
  return { code: 'internal', message: 'the server failed to handle this request' };
}
