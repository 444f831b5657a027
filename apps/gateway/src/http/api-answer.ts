// What the HTTP API (`<basePath>/api/v1/…`) answers: a status and a JSON body, a refusal's body
// being `{ code, message }` with the protocol's error codes (docs/protocol.md "Error codes").
import type { ErrorCode, WireError } from '@tailgate/contracts';

export type ApiAnswer<T> = { readonly status: 200; readonly body: T } | { readonly status: number; readonly body: WireError };

/** Nothing to give and nothing wrong: 204 without a body. */
export interface ApiNoContent {
  readonly status: 204;
}

const STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  quota_exceeded: 429,
  rate_limited: 429,
  upstream_unavailable: 503,
  internal: 500,
};

export function apiRefusal(code: ErrorCode, message: string): ApiAnswer<never> {
  return { status: STATUS[code], body: { code, message } };
}

/** The part of Express's response the API controllers use. */
export interface ApiResponse {
  status(code: number): { json(body: unknown): void; end(): void };
  setHeader(name: string, value: string): void;
}
