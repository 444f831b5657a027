// The connection-level API. `connect()` resolves once the first connection is accepted, or
// rejects with a TailgateError (`unauthenticated`, `rate_limited`, `invalid_request`, `internal`,
// `connection_failed`, `timeout`).
import type { SourceDescription } from '@tailgate/contracts';

import type { ConnectOptions } from './client-options';
import type { Subscription, SubscribeOptions } from './subscription';
import type { TailgateError } from './tailgate-error';

export type ConnectionState = 'connected' | 'reconnecting' | 'closed';

export interface ConnectionEvents {
  state: (state: ConnectionState) => void;
  /** A connection-level failure: a refused reconnect, a token provider that threw. */
  error: (error: TailgateError) => void;
}

export interface TailgateClient {
  readonly state: ConnectionState;
  sourcesList(): Promise<readonly SourceDescription[]>;
  /** Resolves once the server acknowledged it; rejects with the server's error code. */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  on<E extends keyof ConnectionEvents>(event: E, listener: ConnectionEvents[E]): this;
  off<E extends keyof ConnectionEvents>(event: E, listener: ConnectionEvents[E]): this;
  /** Ends every subscription (`ended` with a `closed` error) and disconnects. */
  close(): void;
}

export type Connect = (options: ConnectOptions) => Promise<TailgateClient>;
