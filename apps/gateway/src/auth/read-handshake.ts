// Reads what a client sent when it connected: `auth` is parsed by the contract's schema (an
// unsupported `auth.protocol` or a malformed token is `invalid_request`), and the bearer token is
// `auth.token`, else the `Authorization: Bearer` header. An empty token counts as none.
import { type ConnectErrorData, HandshakeAuthSchema, PROTOCOL_VERSION } from '@tailgate/contracts';

export type HandshakeReading =
  { readonly ok: true; readonly token: string | undefined } | { readonly ok: false; readonly error: ConnectErrorData };

export function readHandshake(auth: unknown, authorization: string | undefined): HandshakeReading {
  const parsed = HandshakeAuthSchema.safeParse(auth);
  if (!parsed.success) {
    const protocol = parsed.error.issues.some((issue) => issue.path[0] === 'protocol');
    const message = protocol ? `unsupported protocol version; this server speaks ${PROTOCOL_VERSION}` : 'malformed handshake auth';
    return { ok: false, error: { code: 'invalid_request', message } };
  }
  const fromAuth = parsed.data.token;
  if (fromAuth !== undefined && fromAuth !== '') return { ok: true, token: fromAuth };
  const fromHeader = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  return { ok: true, token: fromHeader };
}
