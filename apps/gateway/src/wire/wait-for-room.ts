// Waits until a connection has room: at most `maxBytes` waiting to be written to it (see
// outstanding-bytes). Checked every few milliseconds, like the slow lanes, rather than on
// Engine.IO's `drain`: that fires when its buffer is handed to the transport, not when the
// WebSocket's own buffer empties.
import { setTimeout as sleep } from 'node:timers/promises';

import type { LogsSocket } from './logs-socket';
import { outstandingBytes } from './outstanding-bytes';

/** How often a waiting sender looks at the connection again. */
const CHECK_INTERVAL_MS = 10;

/** `room`: send; `gone`: the connection closed or `wanted` turned false; `stalled`: still full after `timeoutMs`. */
export type Room = 'room' | 'gone' | 'stalled';

export async function waitForRoom(socket: LogsSocket, maxBytes: number, timeoutMs: number, wanted: () => boolean): Promise<Room> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (socket.disconnected || !wanted()) return 'gone';
    if (outstandingBytes(socket) <= maxBytes) return 'room';
    if (Date.now() >= deadline) return 'stalled';
    await sleep(CHECK_INTERVAL_MS);
  }
}
