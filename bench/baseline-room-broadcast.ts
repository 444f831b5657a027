// B1, the framework baseline: plain Socket.IO, every listener in one room, each batch of wire
// records broadcast once with `to(room).emit`. No authorization at all, and no Redis adapter
// (@socket.io/redis-adapter is not installed), so it is a lower bound on the framework's cost.
import { createBenchFiles } from './bench-files';
import type { BaselineOptions } from './baseline-raw-chain';
import { CriFileTail } from './cri-file-tail';
import type { PipelineUnderTest } from './pipeline-under-test';
import { startPlainSocketIo } from './socket-io-server';

const ROOM = 'everyone';

export async function startRoomBroadcast(options: BaselineOptions): Promise<PipelineUnderTest> {
  const files = createBenchFiles('b1', options.pods);
  const server = await startPlainSocketIo();
  const logs = server.io.of('/logs');
  logs.on('connection', (socket) => void socket.join(ROOM));
  const tail = await CriFileTail.follow(files.writers, (batch) => logs.to(ROOM).emit('records', { sub: 'b1', batch }), options);
  return {
    label: 'B1 Socket.IO room broadcast, no authz',
    url: server.url,
    wire: 'socket.io',
    namespace: '/logs',
    writers: files.writers,
    processes: {},
    listener: () => ({}),
    sees: () => true,
    async close() {
      await tail.stop();
      await server.close();
      files.remove();
    },
  };
}
