// Messages between the bench runner and a client-fleet child process (Node IPC). One fleet
// holds the listeners of one pipeline under test.

/** `socket.io`: raw Engine.IO v4 frames on a WebSocket; `ws`: plain WebSocket text frames. */
export type Wire = 'socket.io' | 'ws';

export interface ListenerSpec {
  /** Sent as the handshake `auth.token`. */
  readonly token?: string;
  /** Sent as a `subscribe` request with an acknowledgement once connected. */
  readonly subscribe?: Readonly<Record<string, unknown>>;
  /** A slow consumer: reads at most this many bytes per second off its socket (S8). */
  readonly readBytesPerSec?: number;
}

export type FleetCommand =
  | {
      readonly type: 'open';
      readonly url: string;
      readonly wire: Wire;
      /** Socket.IO namespace, e.g. `/logs`. */
      readonly namespace: string;
      readonly listeners: readonly ListenerSpec[];
      readonly concurrency: number;
      readonly timeoutMs: number;
    }
  /** Zeroes the counters; `done` is reported once `expectTotal` records have arrived in all. */
  | { readonly type: 'arm'; readonly expectTotal: number; readonly latency: boolean }
  | { readonly type: 'report' }
  /** Closes every listener; the process exits too unless `keepProcess`. */
  | { readonly type: 'close'; readonly keepProcess?: boolean };

export interface FleetTally {
  /** Records received per listener since `arm`. */
  readonly counts: readonly number[];
  /** Epoch ms (high resolution) of the first and of the latest record since `arm`. */
  readonly firstAt: number;
  readonly lastAt: number;
  /** Receipt time minus the time embedded in each line, ms; only when armed with `latency`. */
  readonly latenciesMs: readonly number[];
  /** Event-loop delay p99 of the fleet process since `arm`, ms. */
  readonly loopDelayP99Ms: number;
}

export type FleetReport =
  | { readonly type: 'opened'; readonly connectMs: number }
  | { readonly type: 'armed' }
  | ({ readonly type: 'done' | 'tally' } & FleetTally)
  | { readonly type: 'closed' }
  | { readonly type: 'error'; readonly message: string };

/** Marks where a line carries its intended write time: `@@<epoch ms>@@`. */
export const TIME_MARK = '@@';

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes on one host. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
