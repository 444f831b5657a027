// GET <basePath>/api/v1/session: in desktop mode (`tailgate serve`, `server.desktopSession`), the
// page the gateway serves signs in without the user pasting the local token. The token goes only
// to a request that a page on this machine's own loopback origin made:
// - `Host` is `127.0.0.1`, `localhost` or `[::1]` (or the configured loopback host) on the port
//   the request arrived on, so a DNS-rebound page (Host: evil.example) never gets it;
// - an `Origin`, if sent, is exactly that origin, and `Sec-Fetch-Site`, if sent, is `same-origin`
//   or `none`, so another site's page, frame or link never gets it (and could not read the
//   answer anyway: no CORS header is ever sent).
// It cannot tell this user's browser from another local process; docs/security.md says so.
import { isLoopbackHost } from '@tailgate/config';
import type { DesktopSessionBody } from '@tailgate/contracts';

import { type ApiAnswer, type ApiNoContent, apiRefusal } from './api-answer';

export interface SessionRequest {
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly secFetchSite: string | undefined;
  /** The local port the connection arrived on. */
  readonly port: number;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Why the request may not have the token; undefined when it may. */
export function sessionRefusal(request: SessionRequest, configuredHost: string): string | undefined {
  const names = new Set([...LOOPBACK_NAMES, ...(isLoopbackHost(configuredHost) ? [bracketed(configuredHost)] : [])]);
  const hosts = [...names].map((name) => `${name}:${request.port}`);
  const host = request.host?.toLowerCase();
  if (host === undefined || !hosts.includes(host)) return 'not a loopback host of this gateway';
  if (request.origin !== undefined && request.origin !== `http://${host}`) return 'another origin';
  if (request.secFetchSite !== undefined && request.secFetchSite !== 'same-origin' && request.secFetchSite !== 'none') {
    return 'a cross-site request';
  }
  return undefined;
}

export class DesktopSession {
  constructor(
    /** `server.desktopSession`; undefined outside desktop mode. */
    private readonly settings: { readonly token: string } | undefined,
    private readonly configuredHost: string,
  ) {}

  answer(request: SessionRequest): ApiAnswer<DesktopSessionBody> | ApiNoContent {
    // Not an error: the page asks on every load, and a browser logs every 4xx as one.
    if (this.settings === undefined) return { status: 204 };
    if (sessionRefusal(request, this.configuredHost) !== undefined) {
      return apiRefusal('forbidden', 'the desktop session is only for the page this gateway serves on this machine');
    }
    return { status: 200, body: { token: this.settings.token } };
  }
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
