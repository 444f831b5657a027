// The log bus contract: carries serialised record batches from the process that runs an upstream
// to every process that has listeners for it, in the embedded (in-process) and Redis deployments
// alike, and keeps a short replay buffer per channel for clients that resume after a disconnect.
import type { MessageId } from './message-ids';

export type ConnectionState = 'up' | 'down';

/**
 * Receives one message. `id` is the message's id in the channel's replay buffer (pass it to
 * `replay` as `afterId` to get what followed); undefined when the bus keeps no replay buffer.
 */
export type MessageHandler<M = string> = (message: M, id?: MessageId) => void;

/** Removes one handler; resolves once it will never be called again. Calling it twice is harmless. */
export type Unsubscribe = () => Promise<void>;

/**
 * `M` is what a message is: a string (serialised) on Redis; the in-process bus carries any value
 * as it is, so one process never serialises what it hands itself.
 */
export interface PublishOptions {
  /**
   * False: its subscribers can read what they miss back from where it came from, so the
   * in-process bus keeps no replay copy (and hands it to subscribers without an id). The Redis
   * bus keeps every message: its buffer also carries replicas across a Redis outage.
   */
  readonly replay?: boolean;
}

export interface LogBus<M = string> {
  /** Publishes one message (an already-serialised batch) on an exact channel. Resolves when Redis accepted it. */
  publish(channel: string, message: M, options?: PublishOptions): Promise<void>;
  /**
   * Exact-channel subscription; messages arrive in publish order per channel. Resolves once the
   * subscription is active. Returns a function that removes this handler (the Redis SUBSCRIBE ends
   * when no handler is left for that channel).
   */
  subscribe(channel: string, onMessage: MessageHandler<M>): Promise<Unsubscribe>;
  /** Called when the bus loses/regains its connection (Redis), so callers can tell clients records may be missing. */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  close(): Promise<void>;
}

export interface ReplayedMessage<M = string> {
  readonly id: MessageId;
  readonly message: M;
}

export interface ReplayResult<M = string> {
  /** The held messages published after `afterId` (all held ones without it), oldest first, each once. */
  readonly messages: readonly ReplayedMessage<M>[];
  /**
   * True when `messages` are everything published on the channel after `afterId`. False means a
   * gap: messages after `afterId` were already dropped (count or age bound, idle expiry, a
   * restarted Redis node), so the caller must tell its client that records may be missing.
   */
  readonly complete: boolean;
}

/** A bus that keeps a short, bounded replay buffer per channel (both built-in buses do). */
export interface ReplayableLogBus<M = string> extends LogBus<M> {
  /**
   * What the channel's buffer holds after `afterId` (an id a handler received or `replay`
   * returned). Rejects with `invalid_message_id` for a malformed id, `bus_closed` after close.
   */
  replay(channel: string, afterId?: MessageId): Promise<ReplayResult<M>>;
}
