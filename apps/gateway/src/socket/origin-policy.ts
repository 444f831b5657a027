// Which Socket.IO handshakes may open a session, by their Origin header. Browsers always send one
// (`null` from sandboxed frames and file pages), so a page on another site can only connect when
// its origin is listed in `server.corsOrigins`; clients that send none (CLIs, servers) are not
// browsers and are let through. Matching is exact: scheme, host and port as the browser sends them.

export function isOriginAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  return origin === undefined || allowed.includes(origin);
}
