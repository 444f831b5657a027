// Generated handshakes for the protocol fuzz, and how each must end: `auth` objects of every
// shape (tokens of the wrong type or size, protocol versions, extra keys), non-object `auth`,
// Authorization headers, browser Origin headers and other headers. The valid token stands in
// as VALID_TOKEN until the suite fills in a real one.
import fc from 'fast-check';

import { printable } from './printable-case';

export const VALID_TOKEN = Symbol('a valid token');

export interface HandshakeCase {
  /** The `auth` the client sends; VALID_TOKEN anywhere in it is replaced by a real token. */
  readonly auth: unknown;
  readonly headers: Readonly<Record<string, string | typeof VALID_TOKEN>>;
}

/** `connected`; a connect_error code; or `refused-by-transport` (Engine.IO or the Socket.IO parser closed it before any answer). */
export type HandshakeOutcome = 'connected' | 'refused-by-transport' | 'unauthenticated' | 'invalid_request' | 'rate_limited' | 'internal';

const MAX_TOKEN = 16 * 1024;
const json = fc.jsonValue({ maxDepth: 3 });
/** Visible ASCII and spaces: what an HTTP client lets through in a header value. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });

const token = fc.oneof(
  { weight: 4, arbitrary: fc.constant(VALID_TOKEN) },
  { weight: 3, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', 'Bearer x') },
  { weight: 1, arbitrary: fc.constantFrom(MAX_TOKEN, MAX_TOKEN + 1).map((n) => 'x'.repeat(n)) },
  { weight: 2, arbitrary: json },
);
const protocol = fc.oneof(
  { weight: 3, arbitrary: fc.constant(1) },
  { weight: 2, arbitrary: fc.constantFrom(0, 2, '1', 1.5, -1, null) },
  { weight: 1, arbitrary: json },
);
const authObject = fc
  .tuple(
    fc.record({ token, protocol }, { requiredKeys: [] }),
    fc.option(fc.dictionary(fc.string({ maxLength: 10 }), json, { maxKeys: 3 }), { freq: 3 }),
  )
  .map(([auth, extra]) => (extra ? { ...extra, ...auth } : auth));

const authorization = fc.oneof(
  fc.constant(VALID_TOKEN),
  headerText,
  headerText.map((text) => `Bearer ${text}`),
  fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz'),
);
const origin = fc.oneof(fc.constantFrom('null', 'https://evil.example', 'http://127.0.0.1', ''), headerText);

export const handshakeCase: fc.Arbitrary<HandshakeCase> = fc
  .record(
    {
      auth: fc.oneof({ weight: 8, arbitrary: authObject }, { weight: 1, arbitrary: json }),
      authorization: fc.option(authorization, { freq: 3 }),
      origin: fc.option(origin, { freq: 4 }),
      other: fc.dictionary(fc.constantFrom('x-forwarded-for', 'cookie', 'x-tailgate', 'user-agent'), headerText, { maxKeys: 2 }),
    },
    { requiredKeys: ['auth', 'authorization', 'origin', 'other'] },
  )
  .map(({ auth, authorization: header, origin: from, other }) =>
    printable({
      auth,
      headers: { ...other, ...(header !== null && { authorization: header }), ...(from !== null && { origin: from }) },
    }),
  );

/** How the gateway, with no browser origin allowed and no limit in the way, must answer `c`. */
export function expectedOutcome(c: HandshakeCase): HandshakeOutcome {
  if (c.headers.origin !== undefined) return 'refused-by-transport';
  // Socket.IO's parser refuses a CONNECT whose payload is not an object (closing the connection);
  // no payload is `{}`, and so is a payload of digits only: the parser reads those as a packet id.
  // socket.io-client sends no payload for a falsy `auth`.
  const sentNothing = !c.auth || (typeof c.auth === 'number' && /^\d+$/.test(JSON.stringify(c.auth)));
  if (!sentNothing && (typeof c.auth !== 'object' || Array.isArray(c.auth))) return 'refused-by-transport';
  const auth = (sentNothing ? {} : c.auth) as { token?: unknown; protocol?: unknown };
  if ('protocol' in auth && auth.protocol !== 1) return 'invalid_request';
  const fromAuth = auth.token;
  if ('token' in auth && fromAuth !== VALID_TOKEN && (typeof fromAuth !== 'string' || fromAuth.length > MAX_TOKEN))
    return 'invalid_request';
  if (fromAuth !== undefined && fromAuth !== '') return fromAuth === VALID_TOKEN ? 'connected' : 'unauthenticated';
  return c.headers.authorization === VALID_TOKEN ? 'connected' : 'unauthenticated';
}

/** `c` with a real token in place of VALID_TOKEN. */
export function withToken(c: HandshakeCase, validToken: string): { auth: unknown; headers: Record<string, string> } {
  const auth =
    typeof c.auth === 'object' && c.auth !== null && !Array.isArray(c.auth) && (c.auth as { token?: unknown }).token === VALID_TOKEN
      ? { ...c.auth, token: validToken }
      : c.auth;
  const headers = Object.fromEntries(
    Object.entries(c.headers).map(([key, value]) => [key, value === VALID_TOKEN ? `Bearer ${validToken}` : value]),
  );
  return { auth, headers };
}
