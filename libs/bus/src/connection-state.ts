// Turns a connection's raw lifecycle into the bus's `down`/`up` transitions: reported once per
// outage, never for the first successful connect, so listeners hear only about possible gaps.
import type { HandlerErrorReporter } from './handler-errors';
import type { ConnectionState } from './log-bus';

export type ConnectionListener = (state: ConnectionState) => void;

export class ConnectionStateTracker {
  private state: ConnectionState | 'connecting' = 'connecting';
  private readonly listeners = new Set<ConnectionListener>();

  constructor(private readonly reportHandlerError: HandlerErrorReporter) {}

  get current(): ConnectionState | 'connecting' {
    return this.state;
  }

  onChange(listener: ConnectionListener): () => void {
    const entry: ConnectionListener = (state) => listener(state);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** The connection dropped (or never came up): reports `down` unless already down. */
  lost(): void {
    if (this.state === 'down') return;
    this.state = 'down';
    this.emit('down');
  }

  /** The connection is usable again: reports `up` only if `down` was reported before. */
  regained(): void {
    const wasDown = this.state === 'down';
    this.state = 'up';
    if (wasDown) this.emit('up');
  }

  private emit(state: ConnectionState): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (error) {
        this.reportHandlerError(error, { connectionChange: state });
      }
    }
  }
}
