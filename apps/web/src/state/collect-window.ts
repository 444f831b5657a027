// Downloads "a since window": a separate, non-following subscription that reads the backlog since
// a time or duration and ends (`complete`). Bounded, so a huge window cannot exhaust the page.
import type { TailgateClient } from '@tailgate/client';

import { entriesFromEvent } from '../logs/entries-from-event';
import type { LogEntry } from '../logs/log-entry';
import { LineStore } from '../logs/line-store';

export const WINDOW_CAPACITY = 200_000;

export interface CollectedWindow {
  readonly entries: readonly LogEntry[];
  /** Lines beyond the bound, left out (the oldest). */
  readonly discarded: number;
}

export async function collectWindow(client: TailgateClient, source: string, selector: unknown, since: string): Promise<CollectedWindow> {
  const store = new LineStore(WINDOW_CAPACITY);
  const subscription = await client.subscribe({ source, selector, since, follow: false, order: 'time' });
  for await (const event of subscription) {
    store.append(entriesFromEvent(event));
    if (event.type === 'ended') break;
  }
  return { entries: store.entries(), discarded: store.discarded };
}
