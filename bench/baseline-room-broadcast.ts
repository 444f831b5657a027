// B1, the framework baseline: plain Socket.IO, every listener in one room, each batch of wire
// records broadcast once with `to(room).emit`. No authorization at all. By default no Redis
// adapter, so it is a lower bound on the framework's cost; with `redis` (B1-redis, S1-redis's
// denominator) the server uses `@socket.io/redis-adapter`, so each broadcast is also published.
// With `roomPerPod` (S3), listener i joins the room of pod i only and each batch goes to its pod's room.
import type { WireRecord } from '@tailgate/contracts';

import { createBenchFiles } from './bench-files';
import type { BaselineOptions } from './baseline-raw-chain';
import { CriFileTail } from './cri-file-tail';
import type { BenchPod, PipelineUnderTest, RedisHandle } from './pipeline-under-test';
import { startPlainSocketIo } from './socket-io-server';

const ROOM = 'everyone';

const roomOf = (pod: { readonly namespace: string; readonly name: string }): string => `${pod.namespace}/${pod.name}`;

export interface RoomBroadcastOptions extends BaselineOptions {
  readonly roomPerPod?: boolean;
  /** Socket.IO with `@socket.io/redis-adapter` on this Redis; default the in-memory adapter. */
  readonly redis?: RedisHandle;
}

export async function startRoomBroadcast(options: RoomBroadcastOptions): Promise<PipelineUnderTest> {
  const files = createBenchFiles('b1', options.pods);
  const server = await startPlainSocketIo(options.redis && { redisUrl: options.redis.url });
  const logs = server.io.of('/logs');
  const perPod = options.roomPerPod === true;
  // Per pod, the listener names its room as its handshake token: a baseline without authentication.
  logs.on('connection', (socket) => void socket.join(perPod ? String((socket.handshake.auth as { token?: unknown }).token) : ROOM));
  const emit = (batch: WireRecord[]): void => {
    const first = batch[0];
    const room = perPod && first ? roomOf({ namespace: first.ns, name: first.pod }) : ROOM;
    logs.to(room).emit('records', { sub: 'b1', batch });
  };
  const tail = await CriFileTail.follow(files.writers, emit, options);
  return {
    label: `B1 Socket.IO ${perPod ? 'room per pod' : 'room broadcast'}, no authz${options.redis ? ', redis-adapter' : ''}`,
    url: server.url,
    wire: 'socket.io',
    namespace: '/logs',
    writers: files.writers,
    processes: options.redis ? { redis: options.redis.pid } : {},
    listener: (index) => (perPod ? { token: roomOf(options.pods[index % options.pods.length] as BenchPod) } : {}),
    sees: (index, pod) => !perPod || options.pods.indexOf(pod) === index % options.pods.length,
    async close() {
      await tail.stop();
      await server.close();
      files.remove();
    },
  };
}
