// The client-side time merge: each record waits up to a window for earlier records of other
// containers, then goes out with every waiting record not later than it, in timestamp order (ties
// in arrival order) — the server's `order: "time"` rule, applied across whatever the client got.
// A record earlier than its own container's previous one keeps its place behind it, and one
// without a readable timestamp sorts as its container's previous record did.
import type { WireRecord } from '@tailgate/contracts';

import { targetKey } from './target-key';
import { compareTimestampKeys, EARLIEST, laterOf, type TimestampKey, timestampKey } from './timestamp-key';

interface Held {
  readonly record: WireRecord;
  readonly key: TimestampKey;
  readonly seq: number;
  readonly dueAt: number;
}

export class TimeMerge {
  private held: Held[] = [];
  private seq = 0;
  private readonly lastKeyOf = new Map<string, TimestampKey>();

  constructor(private readonly windowMs: number) {}

  /** Holds records that arrived at `now` (milliseconds). */
  add(records: readonly WireRecord[], now: number): void {
    for (const record of records) {
      const container = targetKey(record);
      const previous = this.lastKeyOf.get(container) ?? EARLIEST;
      const own = timestampKey(record.ts);
      const key = own ? laterOf(own, previous) : previous;
      this.lastKeyOf.set(container, key);
      this.held.push({ record, key, seq: this.seq++, dueAt: now + this.windowMs });
    }
  }

  /** The records whose window ran out by `now`, with every held record not later than the latest of them, in order. */
  release(now: number): WireRecord[] {
    const due = this.held.filter((held) => held.dueAt <= now);
    if (due.length === 0) return [];
    const latest = due.reduce((key, held) => laterOf(key, held.key), EARLIEST);
    return this.take((held) => held.dueAt <= now || compareTimestampKeys(held.key, latest) <= 0);
  }

  /** Everything held, in order (before a notice, a reconnect or the end). */
  flush(): WireRecord[] {
    return this.take(() => true);
  }

  /** When the oldest held record is due, or undefined when nothing is held. */
  nextDueAt(): number | undefined {
    return this.held[0]?.dueAt;
  }

  private take(which: (held: Held) => boolean): WireRecord[] {
    const taken = this.held.filter(which);
    this.held = this.held.filter((held) => !which(held));
    return taken.sort((a, b) => compareTimestampKeys(a.key, b.key) || a.seq - b.seq).map((held) => held.record);
  }
}
