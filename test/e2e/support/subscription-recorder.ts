// Records every event a `@tailgate/client` subscription emits, through its emitter, so a suite can
// wait for a state (no sleeps) and compare what was heard with what the iterator yielded.
import type { Subscription, SubscriptionEvent, SubscriptionEventType } from '@tailgate/client';
import type { WireRecord } from '@tailgate/contracts';

export const EVENT_TYPES: readonly SubscriptionEventType[] = [
  'records',
  'target',
  'denied',
  'hidden',
  'dropped',
  'gap',
  'reconnecting',
  'resumed',
  'ended',
];

export class SubscriptionRecorder {
  readonly events: SubscriptionEvent[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(subscription: Subscription) {
    for (const type of EVENT_TYPES) {
      subscription.on(type, (event: SubscriptionEvent) => {
        this.events.push(event);
        for (const waiter of [...this.waiters]) waiter();
      });
    }
  }

  records(): WireRecord[] {
    return this.events.flatMap((event) => (event.type === 'records' ? event.records : []));
  }

  lines(): string[] {
    return this.records().map((record) => record.line);
  }

  of<T extends SubscriptionEventType>(type: T): Extract<SubscriptionEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<SubscriptionEvent, { type: T }> => event.type === type);
  }

  /** Resolves once `predicate` holds (checked now and after every event); fails after `timeoutMs`. */
  until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; heard ${JSON.stringify(this.events.map((e) => e.type))}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }
}

/** Everything the async iterator yields, until it ends. */
export async function iterate(subscription: Subscription): Promise<SubscriptionEvent[]> {
  const events: SubscriptionEvent[] = [];
  for await (const event of subscription) events.push(event);
  return events;
}
