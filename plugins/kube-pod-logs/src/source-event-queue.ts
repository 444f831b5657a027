// The producer side of `open()`: watch callbacks and followers push events at any time; the
// host pulls them in order. Record events waiting next to each other merge into one batch (up to
// `maxBatchRecords`), so a slow consumer gets fewer, fuller batches.
import type { LogRecord, SourceEvent } from '@tailgate/plugin-sdk';

export class SourceEventQueue implements AsyncIterable<SourceEvent> {
  private readonly items: SourceEvent[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;

  constructor(private readonly maxBatchRecords: number) {}

  push(event: SourceEvent): void {
    if (this.ended) return;
    const last = this.items[this.items.length - 1];
    if (event.type === 'records' && last?.type === 'records' && last.records.length + event.records.length <= this.maxBatchRecords) {
      this.items[this.items.length - 1] = { type: 'records', records: [...last.records, ...event.records] };
    } else if (event.type === 'records' && event.records.length > this.maxBatchRecords) {
      for (let i = 0; i < event.records.length; i += this.maxBatchRecords) {
        this.items.push({ type: 'records', records: event.records.slice(i, i + this.maxBatchRecords) });
      }
    } else {
      this.items.push(event);
    }
    this.notify();
  }

  records(records: readonly LogRecord[]): void {
    if (records.length > 0) this.push({ type: 'records', records });
  }

  /** No more events: the iteration ends after the queued ones (or throws `error` after them). */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (error !== undefined) this.failure = { error };
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SourceEvent> {
    for (;;) {
      const next = this.items.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.ended) {
        if (this.failure !== undefined) throw this.failure.error;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
