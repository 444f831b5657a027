// Version of the Socket.IO protocol in docs/protocol.md. Clients may send it in the handshake
// (`auth.protocol`); the server refuses versions it does not speak.
export const PROTOCOL_VERSION = 1;

/** The Socket.IO namespace every client connects to. */
export const LOGS_NAMESPACE = '/logs';
