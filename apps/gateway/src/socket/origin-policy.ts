// Which Socket.IO handshakes may open a session, by their Origin header. Browsers always send one
// (`null` from sandboxed frames and file pages), so a page on another site can only connect when
// its origin is listed in `server.corsOrigins`; clients that send none (CLIs, servers) are not
// browsers and are let through. A page the gateway serves itself (the web UI) is on the request's
// own origin and may connect without configuration. Matching is exact: scheme, host and port as
// the browser sends them.
//
// The own origin is only as trustworthy as the Host header it is built from: a DNS-rebound page
// (evil.example resolving to the gateway) is "same origin" too. That page still needs a token to
// authenticate, which it cannot read from the gateway (docs/security.md "Desktop sign-in").
import type { IncomingHttpHeaders } from 'node:http';

export function isOriginAllowed(origin: string | undefined, allowed: readonly string[], ownOrigin?: string): boolean {
  if (origin === undefined) return true;
  return allowed.includes(origin) || (ownOrigin !== undefined && origin === ownOrigin);
}

/** A host as browsers put it in an Origin: a name, an IPv4 address or a bracketed IPv6 one, and an optional port. */
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/**
 * The origin (`scheme://host[:port]`) the request was made to: from `Host` and whether the
 * connection is TLS, or — with `trustProxyHeaders` — from the last entries of `X-Forwarded-Host`
 * and `X-Forwarded-Proto` where the proxy set them. Undefined when the host is missing or malformed.
 * Default ports are left out, as browsers leave them out of an Origin.
 */
export function requestOrigin(headers: IncomingHttpHeaders, encrypted: boolean, trustProxyHeaders: boolean): string | undefined {
  const forwardedHost = trustProxyHeaders ? lastEntry(headers['x-forwarded-host']) : undefined;
  const forwardedProto = trustProxyHeaders ? lastEntry(headers['x-forwarded-proto'])?.toLowerCase() : undefined;
  const scheme = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : encrypted ? 'https' : 'http';
  const host = (forwardedHost ?? headers.host)?.toLowerCase();
  if (host === undefined || !HOST.test(host)) return undefined;
  const defaultPort = scheme === 'https' ? ':443' : ':80';
  return `${scheme}://${host.endsWith(defaultPort) ? host.slice(0, -defaultPort.length) : host}`;
}

function lastEntry(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value.at(-1) : value;
  const entry = raw?.split(',').at(-1)?.trim();
  return entry ? entry : undefined;
}
