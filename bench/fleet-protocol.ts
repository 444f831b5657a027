// Messages between the bench runner and a client-fleet child process (Node IPC). One fleet
// holds the listeners of one pipeline under test.
import type { HistogramSnapshot } from './hdr-histogram';

/** `socket.io`: raw Engine.IO v4 frames on a WebSocket; `ws`: plain WebSocket text frames. */
export type Wire = 'socket.io' | 'ws';

export interface ListenerSpec {
  /** Sent as the handshake `auth.token`. */
  readonly token?: string;
  /** Sent as a `subscribe` request with an acknowledgement once connected. */
  readonly subscribe?: Readonly<Record<string, unknown>>;
  /** A slow consumer: reads at most this many bytes per second off its socket (S8). */
  readonly readBytesPerSec?: number;
  /** This listener's gateway, when a pipeline has several (S10 replicas); default the fleet's `url`. */
  readonly url?: string;
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
  /**
   * Zeroes the counters; `done` is reported once `expectTotal` records have arrived in all. With
   * `latency`, records whose intended write time is at or after `latencyFrom` (epoch ms) go into
   * the latency histogram; earlier ones are the warm-up.
   */
  | { readonly type: 'arm'; readonly expectTotal: number; readonly latency: boolean; readonly latencyFrom?: number }
  | { readonly type: 'report' }
  /**
   * Reconnect storm (S6): drops every listener at once, then reconnects each after a random delay
   * of 0–`jitterMs` (to `url` when given), retrying refused connections until `timeoutMs`;
   * `stormed` comes once every listener received a record again, or at the deadline.
   */
  | { readonly type: 'storm'; readonly url?: string; readonly jitterMs: number; readonly timeoutMs: number }
  /** Closes every listener; the process exits too unless `keepProcess`. */
  | { readonly type: 'close'; readonly keepProcess?: boolean };

export interface FleetTally {
  /** Records received per listener since `arm`. */
  readonly counts: readonly number[];
  /** Epoch ms (high resolution) of the first and of the latest record since `arm`. */
  readonly firstAt: number;
  readonly lastAt: number;
  /** Receipt time minus the time embedded in each line, ms; empty unless armed with `latency`. */
  readonly latency: HistogramSnapshot;
  /** Event-loop delay p99 of the fleet process since `arm`, ms. */
  readonly loopDelayP99Ms: number;
}

export type FleetReport =
  | { readonly type: 'opened'; readonly connectMs: number }
  | { readonly type: 'armed' }
  | ({ readonly type: 'done' | 'tally' } & FleetTally)
  | { readonly type: 'closed' }
  | ({ readonly type: 'stormed' } & StormTally)
  | { readonly type: 'error'; readonly message: string };

export interface StormTally {
  /** Epoch ms when this fleet dropped its listeners. */
  readonly droppedAt: number;
  /** Epoch ms when its last listener was subscribed again, and when its last one received a record again (NaN if some never did). */
  readonly subscribedAt: number;
  readonly streamingAt: number;
  readonly listeners: number;
  /** Listeners that received a record after reconnecting, by the deadline. */
  readonly streaming: number;
  /** Connection attempts refused or failed before they succeeded (each retried). */
  readonly retries: number;
}

/** Marks where a line carries its intended write time: `@@<epoch ms>@@`. */
export const TIME_MARK = '@@';

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes on one host. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
