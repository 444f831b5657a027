// What a slow listener has not been sent yet, in order and bounded: record batches count toward
// a byte cap, and the oldest of them are dropped to make room for new ones. Other entries (target
// changes) are never dropped. Each gap is remembered on the entry right after it, so the client
// hears `dropped` exactly where records went missing. The lanes of one connection may also share
// a budget (`streams.connectionBufferBytes`): a lane that pushes past it drops its own oldest
// batches. Pure; the caller sends what `take` returns.
import type { SharedBytes } from '../wire/shared-bytes';

interface Entry<T> {
  readonly item: T;
  readonly bytes: number;
  /** Records the entry carries; 0 for an entry that is never dropped. */
  readonly records: number;
  /** Records dropped right before this entry. */
  droppedBefore: number;
}

export interface Taken<T> {
  /** Oldest first, each with the records dropped right before it. */
  readonly entries: readonly { readonly item: T; readonly droppedBefore: number }[];
  /** Records dropped after the last entry taken; only once the lane is empty. */
  readonly droppedAfter: number;
}

export class SlowLane<T> {
  private entries: Entry<T>[] = [];
  private queuedBytes = 0;
  /** Records dropped after the newest entry (it was too large, or everything after it went). */
  private droppedAtEnd = 0;

  constructor(
    readonly capBytes: number,
    private readonly shared?: SharedBytes,
  ) {}

  get bytes(): number {
    return this.queuedBytes;
  }

  get isEmpty(): boolean {
    return this.entries.length === 0 && this.droppedAtEnd === 0;
  }

  /** Queues an entry, then drops the oldest record batches while over the cap; returns the records dropped. */
  push(item: T, bytes: number, records: number): number {
    this.entries.push({ item, bytes, records, droppedBefore: this.droppedAtEnd });
    this.droppedAtEnd = 0;
    this.grow(bytes);
    let dropped = 0;
    while (this.queuedBytes > this.capBytes || (this.shared !== undefined && this.shared.usedBytes > this.shared.capBytes)) {
      const oldest = this.entries.findIndex((entry) => entry.records > 0);
      if (oldest < 0) break;
      dropped += this.remove(oldest, true);
    }
    return dropped;
  }

  /** The oldest entries that fit in `budgetBytes`, and at least one. */
  take(budgetBytes: number): Taken<T> {
    let count = 0;
    let bytes = 0;
    for (const entry of this.entries) {
      if (count > 0 && bytes + entry.bytes > budgetBytes) break;
      bytes += entry.bytes;
      count++;
    }
    const taken = this.entries.splice(0, count);
    this.grow(-bytes);
    const droppedAfter = this.entries.length === 0 ? this.droppedAtEnd : 0;
    if (this.entries.length === 0) this.droppedAtEnd = 0;
    return { entries: taken.map(({ item, droppedBefore }) => ({ item, droppedBefore })), droppedAfter };
  }

  /**
   * Replaces every entry with what `keep` makes of it, or removes it (undefined). Removed records
   * are not drops: the client was never to see them (its access was revoked).
   */
  rewrite(keep: (item: T) => { readonly item: T; readonly bytes: number; readonly records: number } | undefined): void {
    for (let i = 0; i < this.entries.length;) {
      const entry = this.entries[i] as Entry<T>;
      const kept = keep(entry.item);
      if (!kept) {
        this.remove(i, false);
        continue;
      }
      this.grow(kept.bytes - entry.bytes);
      this.entries[i] = { ...kept, droppedBefore: entry.droppedBefore };
      i++;
    }
  }

  /** Empties the lane; returns the records it held, and those it had dropped without a report yet. */
  clear(): { readonly queued: number; readonly unreported: number } {
    const queued = this.entries.reduce((sum, entry) => sum + entry.records, 0);
    const unreported = this.entries.reduce((sum, entry) => sum + entry.droppedBefore, this.droppedAtEnd);
    this.entries = [];
    this.grow(-this.queuedBytes);
    this.droppedAtEnd = 0;
    return { queued, unreported };
  }

  private grow(bytes: number): void {
    this.queuedBytes += bytes;
    if (this.shared) this.shared.usedBytes += bytes;
  }

  /** Removes entry `index`; its gap moves to the entry after it, with its own records when they count as dropped. */
  private remove(index: number, asDropped: boolean): number {
    const [entry] = this.entries.splice(index, 1) as [Entry<T>];
    this.grow(-entry.bytes);
    const gap = entry.droppedBefore + (asDropped ? entry.records : 0);
    const next = this.entries[index];
    if (next) next.droppedBefore += gap;
    else this.droppedAtEnd += gap;
    return asDropped ? entry.records : 0;
  }
}
