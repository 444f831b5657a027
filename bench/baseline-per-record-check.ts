// B2, log-socket's approach: for every record, loop over every socket, check its namespace
// allowlist, and `socket.emit` that one record. The allowlist follows the demo's teams
// (namespace only: it has no pod-label policy).
import type { Socket } from 'socket.io';

import { createBenchFiles } from './bench-files';
import type { BaselineOptions } from './baseline-raw-chain';
import { CriFileTail } from './cri-file-tail';
import { type PipelineUnderTest, userOf } from './pipeline-under-test';
import { startPlainSocketIo } from './socket-io-server';

const TEAM_OF: Readonly<Record<string, string>> = { alice: 'team-a', carol: 'team-a', bob: 'team-b' };

export async function startPerRecordCheck(options: BaselineOptions): Promise<PipelineUnderTest> {
  const files = createBenchFiles('b2', options.pods);
  const server = await startPlainSocketIo();
  const allowed = new Map<Socket, ReadonlySet<string>>();
  server.io.of('/logs').on('connection', (socket) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    const team = typeof token === 'string' ? TEAM_OF[token] : undefined;
    allowed.set(socket, new Set(team === undefined ? [] : [team]));
    socket.on('disconnect', () => allowed.delete(socket));
  });
  const tail = await CriFileTail.follow(
    files.writers,
    (batch) => {
      for (const record of batch) {
        for (const [socket, namespaces] of allowed) if (namespaces.has(record.ns)) socket.emit('record', { sub: 'b2', record });
      }
    },
    options,
  );
  return {
    label: 'B2 per-record, per-listener check',
    url: server.url,
    wire: 'socket.io',
    namespace: '/logs',
    writers: files.writers,
    processes: {},
    listener: (index) => ({ token: userOf(index) }),
    sees: (index, pod) => TEAM_OF[userOf(index)] === pod.namespace,
    async close() {
      await tail.stop();
      await server.close();
      files.remove();
    },
  };
}
