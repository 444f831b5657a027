// Socket.IO server options for the log stream: no per-message deflate (it defeats the
// pre-encoded broadcast frame and costs memory), a payload cap, and explicit CORS origins.
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { ServerConfigSchema } from '@tailgate/config';
import type { Server, ServerOptions } from 'socket.io';
import type { z } from 'zod';

type ServerConfig = z.output<typeof ServerConfigSchema>;

export class TailgateIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly server: ServerConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, {
      ...options,
      perMessageDeflate: false,
      httpCompression: false,
      maxHttpBufferSize: this.server.maxPayloadBytes,
      cors: { origin: this.server.corsOrigins, credentials: false },
      serveClient: false,
    }) as Server;
  }
}
