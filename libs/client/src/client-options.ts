// What `connect()` takes. Every option has its default beside it.

/** Returns a bearer token; called again before every reconnect (and after `unauthenticated`). */
export type TokenProvider = () => string | Promise<string>;

export interface ReconnectOptions {
  /** First delay before reconnecting. Default 250 ms. */
  readonly initialDelayMs?: number;
  /** Longest delay between attempts (doubling, with jitter). Default 10 s. */
  readonly maxDelayMs?: number;
  /** Give up after this many failed attempts in a row, ending every subscription. Default: never. */
  readonly maxAttempts?: number;
}

export interface ConnectOptions {
  /**
   * The gateway's base URL, e.g. `http://127.0.0.1:8080` or `https://portal.example/tailgate`
   * (a path prefix is kept: Socket.IO is reached at `<prefix>/socket.io`, namespace `/logs`).
   * In a browser, omit it to use the page's own origin.
   */
  readonly url?: string;
  /** A bearer token, or a provider called for every (re)connection. */
  readonly token?: string | TokenProvider;
  /** Reconnect after a lost connection, a replica shutdown or an expired token. Default on; `false` turns it off. */
  readonly reconnect?: ReconnectOptions | false;
  /** How long to wait for an acknowledgement. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** How long the first connection may take. Default 20 s. */
  readonly connectTimeoutMs?: number;
  /** Socket.IO transports, in order. Default `['websocket']`; browsers behind some proxies need `['polling', 'websocket']`. */
  readonly transports?: readonly ('websocket' | 'polling')[];
  /** Extra HTTP headers for the handshake (Node only; browsers do not let scripts set them). */
  readonly extraHeaders?: Readonly<Record<string, string>>;
}
