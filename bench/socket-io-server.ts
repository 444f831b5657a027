// A plain Socket.IO server on a free loopback port with the gateway's transport options
// (no per-message deflate, no HTTP compression), for the Socket.IO baselines.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Server } from 'socket.io';

export interface PlainSocketIo {
  readonly io: Server;
  readonly url: string;
  close(): Promise<void>;
}

export async function startPlainSocketIo(): Promise<PlainSocketIo> {
  const http: HttpServer = createServer();
  const io = new Server(http, { perMessageDeflate: false, httpCompression: false, serveClient: false, transports: ['websocket'] });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    io,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        io.disconnectSockets(true);
        void io.close(() => resolve());
      }),
  };
}
