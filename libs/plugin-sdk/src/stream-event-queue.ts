// The events of one open stream waiting for the host, in order: a plugin's inbox pushes them as it
// checks what arrived, the stream's generator drains them until the stream's signal aborts. The
// queue counts the records it holds, so the inbox can bound what waits (maxQueuedRecords).
import type { SourceEvent } from './log-source';

export class StreamEventQueue {
  private readonly events: SourceEvent[] = [];
  private queuedRecords = 0;
  private wake: (() => void) | undefined;

  /** Records in the events waiting, from their push until they are yielded. */
  get records(): number {
    return this.queuedRecords;
  }

  /** Queues an event and wakes the drain. */
  push(event: SourceEvent): void {
    this.events.push(event);
    if (event.type === 'records') this.queuedRecords += event.records.length;
    this.wake?.();
  }

  /** Yields the events in push order, waiting for more, until `signal` aborts. */
  async *drain(signal: AbortSignal): AsyncGenerator<SourceEvent> {
    const onAbort = (): void => this.wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        const event = this.events.shift();
        if (event === undefined) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        if (event.type === 'records') this.queuedRecords -= event.records.length;
        yield event;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Forgets the events still waiting. */
  clear(): void {
    this.events.length = 0;
    this.queuedRecords = 0;
  }
}
