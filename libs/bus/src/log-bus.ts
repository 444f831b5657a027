// The log bus contract: carries serialised record batches from the process that runs an upstream
// to every process that has listeners for it, in the embedded (in-process) and Redis deployments alike.

export type ConnectionState = 'up' | 'down';

export type MessageHandler = (message: string) => void;

/** Removes one handler; resolves once it will never be called again. Calling it twice is harmless. */
export type Unsubscribe = () => Promise<void>;

export interface LogBus {
  /** Publishes one message (an already-serialised batch) on an exact channel. Resolves when Redis accepted it. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Exact-channel subscription; messages arrive in publish order per channel. Resolves once the
   * subscription is active. Returns a function that removes this handler (the Redis SUBSCRIBE ends
   * when no handler is left for that channel).
   */
  subscribe(channel: string, onMessage: MessageHandler): Promise<Unsubscribe>;
  /** Called when the bus loses/regains its connection (Redis), so callers can tell clients records may be missing. */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  close(): Promise<void>;
}
