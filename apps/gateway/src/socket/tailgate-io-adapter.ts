// Socket.IO server options for the log stream: no per-message deflate (it defeats the
// pre-encoded broadcast frame and costs memory), a payload cap, explicit CORS origins, and the
// same origin check on every new session whatever its transport (CORS alone covers only the
// polling transport: a WebSocket upgrade is never subject to it).
import type { IncomingMessage } from 'node:http';

import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { ServerConfigSchema } from '@tailgate/config';
import type { Server, ServerOptions } from 'socket.io';
import type { z } from 'zod';

import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { connectError } from './connect-error';
import { isOriginAllowed } from './origin-policy';

type ServerConfig = z.output<typeof ServerConfigSchema>;

export class TailgateIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly server: ServerConfig,
    private readonly metrics: GatewayMetrics,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const settings: Partial<ServerOptions> = {
      ...options,
      perMessageDeflate: false,
      httpCompression: false,
      maxHttpBufferSize: this.server.maxPayloadBytes,
      cors: { origin: this.server.corsOrigins, credentials: false },
      serveClient: false,
      allowRequest: (request, callback) => callback(null, this.allowsOrigin(request)),
    };
    const io = super.createIOServer(port, settings) as Server;
    // Only /logs is served; a socket on the main namespace would be a connection nobody authenticated.
    io.use((_socket, next) => {
      this.metrics.connectionRefusals.inc({ reason: 'namespace' });
      next(connectError({ code: 'invalid_request', message: 'connect to the /logs namespace' }));
    });
    return io;
  }

  /** Engine.IO answers a refused handshake with HTTP 403 before any Socket.IO packet. */
  private allowsOrigin(request: IncomingMessage): boolean {
    const allowed = isOriginAllowed(request.headers.origin, this.server.corsOrigins);
    if (!allowed) this.metrics.connectionRefusals.inc({ reason: 'origin' });
    return allowed;
  }
}
