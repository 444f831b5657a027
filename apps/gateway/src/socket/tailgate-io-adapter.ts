// NestJS's Socket.IO adapter, handed the server the composition root built (socket/logs-server.ts):
// Nest attaches it to its HTTP server and binds the gateway's handlers to its /logs namespace.
import type { Server as HttpServer } from 'node:http';

import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { LogsServer } from '../wire/logs-socket';

export class TailgateIoAdapter extends IoAdapter {
  private attached = false;

  constructor(
    app: INestApplicationContext,
    private readonly io: LogsServer,
  ) {
    super(app);
  }

  override createIOServer(): LogsServer {
    if (!this.attached) {
      this.io.attach(this.httpServer as HttpServer);
      this.attached = true;
    }
    return this.io;
  }
}
