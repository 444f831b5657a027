// The Socket.IO server of the log stream, built before NestJS so the services that deliver to its
// /logs namespace get it when they are constructed. Options: no per-message deflate (it defeats
// the pre-encoded broadcast frame and costs memory), a payload cap, explicit CORS origins, and
// the same origin check on every new session whatever its transport (CORS alone covers only the
// polling transport: a WebSocket upgrade is never subject to it). Served at
// `<server.basePath>/socket.io`, so a reverse proxy can forward a path prefix unchanged.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

import { LOGS_NAMESPACE } from '@tailgate/contracts';
import type { ServerConfigSchema } from '@tailgate/config';
import { Server } from 'socket.io';
import type { z } from 'zod';

import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { LogsNamespace, LogsServer } from '../wire/logs-socket';
import { recordsParser } from '../wire/records-encoder';
import { connectError } from './connect-error';
import { isOriginAllowed, requestOrigin } from './origin-policy';

type ServerConfig = z.output<typeof ServerConfigSchema>;

export interface LogsServerParts {
  readonly io: LogsServer;
  readonly namespace: LogsNamespace;
}

export function createLogsServer(server: ServerConfig, metrics: GatewayMetrics): LogsServerParts {
  /** Engine.IO answers a refused handshake with HTTP 403 before any Socket.IO packet. */
  const allowsOrigin = (request: IncomingMessage): boolean => {
    const { headers, socket } = request;
    const own = requestOrigin(headers, (socket as Partial<TLSSocket>).encrypted === true, server.trustProxyHeaders);
    const allowed = isOriginAllowed(headers.origin, server.corsOrigins, own);
    if (!allowed) metrics.connectionRefusals.inc({ reason: 'origin' });
    return allowed;
  };
  const io: LogsServer = new Server({
    path: socketIoPath(server.basePath),
    perMessageDeflate: false,
    httpCompression: false,
    maxHttpBufferSize: server.maxPayloadBytes,
    cors: { origin: server.corsOrigins, credentials: false },
    serveClient: false,
    parser: recordsParser,
    allowRequest: (request, callback) => callback(null, allowsOrigin(request)),
  });
  // Only /logs is served; a socket on the main namespace would be a connection nobody authenticated.
  io.use((_socket, next) => {
    metrics.connectionRefusals.inc({ reason: 'namespace' });
    next(connectError({ code: 'invalid_request', message: 'connect to the /logs namespace' }));
  });
  return { io, namespace: io.of(LOGS_NAMESPACE) };
}

/** Where Engine.IO answers: `/socket.io` under the base path. */
export function socketIoPath(basePath: string): string {
  return `${basePath === '/' ? '' : basePath}/socket.io`;
}
