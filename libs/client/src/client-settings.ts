// ConnectOptions with every default filled in, resolved once in `connect()`.
import type { ConnectOptions } from './client-options';
import { type ReconnectSettings, reconnectSettings } from './reconnect-delay';
import { type SocketAddress, socketAddress } from './socket-address';

export interface ClientSettings {
  readonly address: SocketAddress;
  /** Called for every connection attempt; undefined when no token is configured (e.g. an Authorization header). */
  readonly token: (() => Promise<string | undefined>) | undefined;
  /** Whether a fresh token can be had on reconnect (a provider rather than a fixed string). */
  readonly tokenRenews: boolean;
  readonly reconnect: ReconnectSettings | false;
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly transports: readonly ('websocket' | 'polling')[];
  readonly extraHeaders: Readonly<Record<string, string>> | undefined;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;

export function clientSettings(options: ConnectOptions, pageOrigin: string | undefined): ClientSettings {
  const { token } = options;
  return {
    address: socketAddress(options.url, pageOrigin),
    token: token === undefined ? undefined : typeof token === 'string' ? () => Promise.resolve(token) : async () => await token(),
    tokenRenews: typeof token === 'function',
    reconnect: options.reconnect === false ? false : reconnectSettings(options.reconnect),
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    transports: options.transports ?? ['websocket'],
    extraHeaders: options.extraHeaders,
  };
}
