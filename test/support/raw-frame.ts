// Sends a Socket.IO event frame as raw text, as a hand-written client could: socket.io-client's
// encoder recurses through the payload and cannot even build the frames of deeply nested ones.
// The acknowledgement comes back through the client's own ack table.
import type { Socket } from 'socket.io-client';

let nextId = 1_000_000_000;

/** `{"key":` … `{}` … `}`, `levels` objects deep, without building the object. */
export function nestedJson(levels: number, key = 'namespace'): string {
  return `${`{${JSON.stringify(key)}:`.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
}

/** Emits `event` with arguments given as JSON text; resolves with the acknowledgement. */
export function emitRawFrame(socket: Socket, event: string, argsJson: readonly string[], timeoutMs = 5_000): Promise<unknown> {
  const id = nextId++;
  const nsp = (socket as unknown as { nsp: string }).nsp;
  const namespace = nsp === '/' ? '' : `${nsp},`;
  const acks = (socket as unknown as { acks: Record<number, (answer: unknown) => void> }).acks;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      delete acks[id];
      reject(new Error(`no acknowledgement of the raw ${event} frame`));
    }, timeoutMs);
    acks[id] = (answer) => {
      clearTimeout(timer);
      resolve(answer);
    };
    socket.io.engine.send(`2${namespace}${id}[${[JSON.stringify(event), ...argsJson].join(',')}]`);
  });
}
