// Where a bus reports exceptions thrown by the code it calls back (message handlers, connection
// listeners): one handler's bug must neither break the others nor vanish silently.
import type { ConnectionState } from './log-bus';

export type HandlerErrorContext = { readonly channel: string } | { readonly connectionChange: ConnectionState };

export type HandlerErrorReporter = (error: unknown, context: HandlerErrorContext) => void;

/** The default reporter: one line on stderr naming the channel (or connection change), then the error. */
export const reportHandlerErrorToConsole: HandlerErrorReporter = (error, context) => {
  const where = 'channel' in context ? `channel ${context.channel}` : `connection change to ${context.connectionChange}`;
  console.error(`[tailgate/bus] a handler threw on ${where}:`, error);
};

/** Callbacks every bus implementation accepts. */
export interface LogBusHooks {
  /** Receives exceptions thrown by message handlers and connection listeners. Default: `reportHandlerErrorToConsole`. */
  readonly onHandlerError?: HandlerErrorReporter;
}
