// The async iterator's queue: events wait here, in stream order, for a caller that reads more
// slowly than they arrive. It holds at most `maxRecords` records; beyond, the oldest record
// batches are dropped and a `dropped { by: 'client' }` takes their place, counting them — the
// caller sees where and how much it lost. Notices (target, gap, ended, …) are never dropped.
import type { SubscriptionEvent } from './subscription';

type Dropped = Extract<SubscriptionEvent, { type: 'dropped' }>;

const isClientDrop = (event: SubscriptionEvent | undefined): event is Dropped => event?.type === 'dropped' && event.by === 'client';

export class EventQueue {
  private events: SubscriptionEvent[] = [];
  private records = 0;
  private finished = false;
  private reader: ((result: IteratorResult<SubscriptionEvent>) => void) | undefined;

  constructor(private readonly maxRecords: number) {}

  push(event: SubscriptionEvent): void {
    if (this.finished) return;
    if (this.reader) {
      const reader = this.reader;
      this.reader = undefined;
      reader({ value: event, done: false });
      return;
    }
    this.events.push(event);
    if (event.type === 'records') {
      this.records += event.records.length;
      while (this.records > this.maxRecords) this.dropOldestBatch();
    }
  }

  /** No event comes after those queued; a reader gets them, then the end. */
  end(): void {
    this.finished = true;
    if (this.reader && this.events.length === 0) {
      this.reader({ value: undefined, done: true });
      this.reader = undefined;
    }
  }

  /** The caller stopped reading: forget what is queued and take nothing more. */
  discard(): void {
    this.events = [];
    this.records = 0;
    this.end();
  }

  next(): Promise<IteratorResult<SubscriptionEvent>> {
    const event = this.events.shift();
    if (event) {
      if (event.type === 'records') this.records -= event.records.length;
      return Promise.resolve({ value: event, done: false });
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    // One reader at a time: a second concurrent next() would replace the first, so refuse it.
    if (this.reader) return Promise.reject(new Error('the subscription is already being read'));
    return new Promise((resolve) => (this.reader = resolve));
  }

  /** Records waiting (for tests and the bound). */
  get size(): number {
    return this.records;
  }

  private dropOldestBatch(): void {
    const at = this.events.findIndex((event) => event.type === 'records');
    const batch = this.events[at];
    if (batch?.type !== 'records') return;
    const count = batch.records.length;
    this.records -= count;
    const before = this.events[at - 1];
    const after = this.events[at + 1];
    if (isClientDrop(before)) this.events.splice(at - 1, 2, { ...before, count: before.count + count });
    else if (isClientDrop(after)) this.events.splice(at, 2, { ...after, count: after.count + count });
    else this.events.splice(at, 1, { type: 'dropped', by: 'client', count });
  }
}
