// The client's reconnect decisions, as pure functions: which server ends a subscription survives,
// which refused reconnection is worth another attempt, and which refused resubscribe sends the
// client to another connection rather than ending the subscription.
import type { EndReason } from '@tailgate/contracts';

import type { TailgateErrorCode } from './tailgate-error';

export interface ReconnectAbility {
  /** Reconnection is on. */
  readonly reconnects: boolean;
  /** The token comes from a provider that can give a fresh one. */
  readonly tokenRenews: boolean;
}

/**
 * `resume` when the server ends a subscription only because this connection is going away — a
 * replica shutting down, or an expired token a provider can replace — and the client reconnects;
 * `end` for every other reason (and always without reconnection).
 */
export function afterServerEnd(reason: EndReason, ability: ReconnectAbility): 'resume' | 'end' {
  if (!ability.reconnects) return 'end';
  if (reason === 'shutdown') return 'resume';
  if (reason === 'unauthenticated' && ability.tokenRenews) return 'resume';
  return 'end';
}

/**
 * After a refused reconnection attempt: `give-up` when another attempt would be refused the same
 * way (a token the provider just gave and the server refuses, a request it cannot take), else `retry`.
 */
export function afterRefusedReconnect(code: TailgateErrorCode): 'retry' | 'give-up' {
  return code === 'unauthenticated' || code === 'invalid_request' ? 'give-up' : 'retry';
}

/**
 * After a refused resubscribe: `reconnect` when another connection may serve it (this replica is
 * shutting down, or did not answer in time — it may have subscribed after all), else `end`.
 */
export function afterRefusedResubscribe(code: TailgateErrorCode): 'reconnect' | 'end' {
  return code === 'upstream_unavailable' || code === 'timeout' ? 'reconnect' : 'end';
}
