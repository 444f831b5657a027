export type { ConnectOptions, ReconnectOptions, TokenProvider } from './client-options';
export { connect } from './connect';
export type {
  SubscribeOptions,
  Subscription,
  SubscriptionEvent,
  SubscriptionEventOf,
  SubscriptionEventType,
  SubscriptionListener,
} from './subscription';
export type { ConnectionEvents, ConnectionState, TailgateClient } from './tailgate-client';
export { CLIENT_ERROR_CODES, type ClientErrorCode, TailgateError, type TailgateErrorCode } from './tailgate-error';
export { targetKey } from './target-key';
