// A plain Socket.IO server on a free loopback port with the gateway's transport options
// (no per-message deflate, no HTTP compression), for the Socket.IO baselines. With `redisUrl` it
// uses `@socket.io/redis-adapter` over two ioredis clients (pub/sub), as a Socket.IO deployment
// with several nodes would: every broadcast is also msgpack-encoded and published to Redis.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

export interface PlainSocketIo {
  readonly io: Server;
  readonly url: string;
  close(): Promise<void>;
}

export interface PlainSocketIoOptions {
  /** Use `@socket.io/redis-adapter` on this Redis; default none (the in-memory adapter). */
  readonly redisUrl?: string;
}

let adapters = 0;

export async function startPlainSocketIo(options: PlainSocketIoOptions = {}): Promise<PlainSocketIo> {
  const redis = options.redisUrl === undefined ? undefined : await redisClients(options.redisUrl);
  const http: HttpServer = createServer();
  const io = new Server(http, {
    perMessageDeflate: false,
    httpCompression: false,
    serveClient: false,
    transports: ['websocket'],
    // Its own channel prefix, so two baselines on one Redis never hear each other.
    ...(redis && { adapter: createAdapter(redis.pub, redis.sub, { key: `bench-b1-${process.pid}-${++adapters}` }) }),
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    io,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        io.disconnectSockets(true);
        void io.close(() => resolve());
      });
      redis?.pub.disconnect();
      redis?.sub.disconnect();
    },
  };
}

async function redisClients(url: string): Promise<{ pub: Redis; sub: Redis }> {
  const pub = new Redis(url, { lazyConnect: true });
  const sub = new Redis(url, { lazyConnect: true });
  await Promise.all([pub.connect(), sub.connect()]);
  return { pub, sub };
}
