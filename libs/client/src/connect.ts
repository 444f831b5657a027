// The package's entry point: resolves once the first connection is accepted, or rejects with a
// TailgateError (`unauthenticated`, `rate_limited`, `invalid_request`, `internal`,
// `connection_failed`, `timeout`).
import type { ConnectOptions } from './client-options';
import type { TailgateClient } from './tailgate-client';
import { TailgateConnection } from './tailgate-connection';

export function connect(options: ConnectOptions): Promise<TailgateClient> {
  return TailgateConnection.open(options);
}
