// Resolves the next time a bus reports `wanted` (down or up): for tests that restart Redis.
import type { ConnectionState, LogBus } from '../log-bus';

export function nextConnectionState(bus: Pick<LogBus, 'onConnectionChange'>, wanted: ConnectionState): Promise<void> {
  return new Promise((resolve) => {
    const stop = bus.onConnectionChange((state) => {
      if (state !== wanted) return;
      stop();
      resolve();
    });
  });
}
