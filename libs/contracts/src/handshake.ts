// What a client sends when it connects. The token may instead come in an
// `Authorization: Bearer` header; `auth.token` wins when both are present.
import * as z from 'zod';

import { PROTOCOL_VERSION } from './protocol-version';

export const HandshakeAuthSchema = z.object({
  /** An empty token counts as none (the header is read instead). */
  token: z
    .string()
    .max(16 * 1024)
    .optional(),
  /** Versions other than the one this server speaks are refused with `invalid_request`. */
  protocol: z.literal(PROTOCOL_VERSION).optional(),
});
export type HandshakeAuth = z.input<typeof HandshakeAuthSchema>;

/** The `data` of a `connect_error` the server sends. */
export interface ConnectErrorData {
  readonly code: 'unauthenticated' | 'rate_limited' | 'invalid_request' | 'internal';
  readonly message: string;
}
