// B0, the raw limit (performance.md §8.2): no framework. CRI files → split + parse → batches of
// 100 serialised once → ioredis PUBLISH → ioredis subscriber → `ws` send of the same string to
// every client. No authorization; every client gets everything.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

import { Redis } from 'ioredis';
import { WebSocketServer, type WebSocket } from 'ws';

import { createBenchFiles } from './bench-files';
import { CriFileTail } from './cri-file-tail';
import type { BenchPod, PipelineUnderTest } from './pipeline-under-test';

export interface BaselineOptions {
  readonly pods: readonly BenchPod[];
  readonly batchRecords: number;
  readonly pollMs: number;
}

export async function startRawChain(redisUrl: string, redisPid: number, options: BaselineOptions): Promise<PipelineUnderTest> {
  const files = createBenchFiles('b0', options.pods);
  const channel = `bench:b0:${process.pid}`;
  const publisher = new Redis(redisUrl, { enableAutoPipelining: true, lazyConnect: true });
  const subscriber = new Redis(redisUrl, { lazyConnect: true });
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(server, 'listening');
  const clients = new Set<WebSocket>();
  server.on('connection', (socket) => {
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
  });
  subscriber.on('message', (_channel: string, message: string) => {
    for (const client of clients) client.send(message);
  });
  await subscriber.subscribe(channel);
  const tail = await CriFileTail.follow(
    files.writers,
    (batch) => void publisher.publish(channel, JSON.stringify({ sub: 'b0', batch })),
    options,
  );
  const { port } = server.address() as AddressInfo;
  return {
    label: 'B0 raw chain (file→ioredis→ws)',
    url: `http://127.0.0.1:${port}`,
    wire: 'ws',
    namespace: '/',
    writers: files.writers,
    processes: { redis: redisPid },
    listener: () => ({}),
    sees: () => true,
    async close() {
      await tail.stop();
      for (const client of clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
      publisher.disconnect();
      subscriber.disconnect();
      files.remove();
    },
  };
}
