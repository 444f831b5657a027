// Where Socket.IO is reached for a gateway URL: the `/logs` namespace on the URL's origin, with
// the engine's path under the URL's own path (`https://portal.example/tailgate` →
// `/tailgate/socket.io`), so a gateway behind a path-routing proxy works unchanged.
import { LOGS_NAMESPACE } from '@tailgate/contracts';

import { TailgateError } from './tailgate-error';

export interface SocketAddress {
  /** Origin plus namespace, as `io()` takes it. */
  readonly uri: string;
  /** The Engine.IO path. */
  readonly path: string;
}

/** @param pageOrigin the page's origin in a browser, used when `url` is omitted */
export function socketAddress(url: string | undefined, pageOrigin: string | undefined): SocketAddress {
  const base = url ?? pageOrigin;
  if (base === undefined) throw new TailgateError('connection_failed', 'no gateway URL given, and no page origin to use');
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new TailgateError('connection_failed', 'the gateway URL is not a valid URL');
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) {
    throw new TailgateError('connection_failed', `the gateway URL must be http(s) or ws(s), not ${parsed.protocol}`);
  }
  const prefix = parsed.pathname.replace(/\/+$/, '');
  return { uri: `${parsed.origin}${LOGS_NAMESPACE}`, path: `${prefix}/socket.io` };
}
