// How much a socket has waiting to be written: the packets Engine.IO holds while its transport is
// busy, plus what the WebSocket has accepted but the kernel has not taken yet. Socket.IO 4 does
// not type either, so they are read here, in one place, through the narrow shape below.
import type { LogsSocket } from './logs-socket';

interface EngineConnection {
  readonly writeBuffer: readonly { readonly data?: unknown }[];
  readonly transport: {
    /** False from handing packets to the transport until the last of them was written. */
    readonly writable: boolean;
    /** The `ws` WebSocket of the websocket transport; absent for HTTP long-polling. */
    readonly socket?: { readonly bufferedAmount?: number };
  };
}

/**
 * Bytes queued for the client on this server. String packets count their length (UTF-16 units:
 * bytes for ASCII). A writable transport has nothing in flight, so the common case costs two reads.
 */
export function outstandingBytes(socket: LogsSocket): number {
  const conn = socket.conn as unknown as EngineConnection;
  const { transport, writeBuffer } = conn;
  if (transport.writable && writeBuffer.length === 0) return 0;
  let bytes = transport.socket?.bufferedAmount ?? 0;
  for (const packet of writeBuffer) {
    const data = packet.data;
    if (typeof data === 'string') bytes += data.length;
    else if (data instanceof Uint8Array) bytes += data.byteLength;
  }
  return bytes;
}
